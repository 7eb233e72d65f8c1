/**
 * The few browser APIs the browser bundle uses, typed here: deepline compiles for Node (no `dom`
 * lib, which would leak browser globals into every Node module), and these files run only in
 * the page, bundled by esbuild. Each interface lists just what the bundle calls.
 */

export interface ImageDataLike {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8ClampedArray;
}

export interface Canvas2D {
  imageSmoothingEnabled: boolean;
  imageSmoothingQuality: 'low' | 'medium' | 'high';
  drawImage(image: unknown, dx: number, dy: number, dw: number, dh: number): void;
  getImageData(sx: number, sy: number, sw: number, sh: number): ImageDataLike;
}

export interface CanvasLike {
  width: number;
  height: number;
  getContext(id: '2d', options?: { readonly willReadFrequently?: boolean }): Canvas2D | null;
}

export interface ImageBitmapLike {
  readonly width: number;
  readonly height: number;
  close(): void;
}

export interface DomEvent {
  preventDefault(): void;
  readonly dataTransfer?: { readonly files: ArrayLike<Blob>; dropEffect?: string } | null;
}

export interface DomElement {
  textContent: string | null;
  className: string;
  hidden: boolean;
  readonly dataset: Record<string, string | undefined>;
  readonly classList: { toggle(name: string, force?: boolean): boolean };
  append(...nodes: (DomElement | string)[]): void;
  replaceChildren(...nodes: (DomElement | string)[]): void;
  setAttribute(name: string, value: string): void;
  addEventListener(type: string, listener: (event: DomEvent) => void): void;
}

/** An input, select or textarea: what a form field needs. */
export interface FieldElement extends DomElement {
  value: string;
  name: string;
  required: boolean;
  readonly files?: ArrayLike<Blob> | null;
}

export interface DocumentLike {
  createElement(tag: string): DomElement;
}

/** The page's globals, where present (a worker has no document; old browsers no OffscreenCanvas). */
export interface BrowserGlobals {
  readonly document?: DocumentLike;
  readonly location?: { readonly href: string };
  readonly OffscreenCanvas?: new (width: number, height: number) => CanvasLike;
  createImageBitmap?(source: unknown): Promise<ImageBitmapLike>;
}

export const browser = globalThis as unknown as BrowserGlobals;
