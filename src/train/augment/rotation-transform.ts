/**
 * The 8-number transform (see transformImages) that rotates an h × w image by `degrees`
 * counter-clockwise as seen on screen (y pointing down), about the image centre. 90 degrees
 * gives numpy's rot90: out[y][x] = in[x][w - 1 - y] for a square image.
 */
export function rotationTransform(degrees: number, h: number, w: number): number[] {
  const radians = (degrees * Math.PI) / 180;
  // Snap the sine and cosine of multiples of 90° to exact values, so a quarter turn lands on
  // pixel centres rather than 1e-16 away from them.
  const snap = (v: number): number => (Math.abs(v) < 1e-12 ? 0 : Math.abs(Math.abs(v) - 1) < 1e-12 ? Math.sign(v) : v);
  const cos = snap(Math.cos(radians));
  const sin = snap(Math.sin(radians));
  const cx = (w - 1) / 2;
  const cy = (h - 1) / 2;
  // Output (x, y) reads the input point at the inverse rotation of (x, y) about the centre.
  return [cos, -sin, cx - cos * cx + sin * cy, sin, cos, cy - sin * cx - cos * cy, 0, 0];
}
