import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { Gauge, type Registry } from 'prom-client';
import { PredictionInputStore } from '../monitor/prediction-log/input-store.ts';
import { createLogSampler } from '../monitor/prediction-log/log-sampler.ts';
import { loggedInput } from '../monitor/prediction-log/logged-input.ts';
import { PredictionLogWriter, type PredictionLogWriterOptions } from '../monitor/prediction-log/prediction-log-writer.ts';
import { PREDICTION_LOG_VERSION } from '../monitor/prediction-log/prediction-record.ts';
import type { ClassificationUncertainty, SampleSpread } from '../monitor/uncertainty.ts';
import type { ModelOutput, ServedModel } from './served-model.ts';

/** How the server logs its predictions (see PredictionLogWriter for the files and their guarantees). */
export interface PredictionLogSettings extends Omit<PredictionLogWriterOptions, 'onError'> {
  /** The share of requests logged, 0 to 1 (default 1): decided per request id, see createLogSampler. */
  readonly sampleRate?: number;
  /** Seeds the sampling hash, so two logs can sample different requests. Default 0. */
  readonly sampleSeed?: number;
  /** Texts longer than this are logged as a hash; default 1,000 characters. */
  readonly maxTextChars?: number;
  /**
   * Keep the inputs of image models (`<dir>/<model>/inputs/<sha256>.<ext>`, see PredictionInputStore),
   * so they can be exported for labelling; default true. The images themselves are then on disk.
   */
  readonly keepInputs?: boolean;
  /** Told of each failed write; default: a warning on stderr, at most one a minute. */
  readonly onError?: (error: Error) => void;
}

/** One answered request, as the recorder needs it. */
export interface AnsweredRequest {
  readonly id: string;
  readonly model: ServedModel;
  readonly instances: readonly unknown[];
  readonly outputs: readonly ModelOutput[];
  readonly uncertainties: readonly (ClassificationUncertainty | undefined)[];
  readonly spreads?: readonly SampleSpread[];
  readonly latencyMs: number;
}

/** Client-chosen request ids are kept when they are short printable text; otherwise the server draws one. */
const REQUEST_ID = /^[\x21-\x7e]{1,128}$/;

/**
 * The server's side of the prediction log: which requests are logged, and the record of each of
 * their instances — the input (or its reference), the answer, uncertainty, the model's embedding
 * (images, texts and other tensors: what drift on them is measured on; tables are watched column
 * by column), version, latency and time. Recording only queues the records; the writer writes them
 * off the request's path.
 */
export class PredictionRecorder {
  private readonly sampled: (requestId: string) => boolean;

  private constructor(
    private readonly writer: PredictionLogWriter,
    private readonly settings: PredictionLogSettings,
    private readonly inputs: PredictionInputStore | undefined,
  ) {
    this.sampled = createLogSampler(settings.sampleRate ?? 1, settings.sampleSeed ?? 0);
  }

  /** Opens the log (a folder it cannot write is an error now) and publishes its counts on `metrics`. */
  static async open(settings: PredictionLogSettings, metrics?: Registry): Promise<PredictionRecorder> {
    let lastWarning = -Infinity;
    const onError =
      settings.onError ??
      ((error: Error) => {
        if (Date.now() - lastWarning < 60_000) return;
        lastWarning = Date.now();
        process.stderr.write(`warning: the prediction log in ${settings.dir} could not be written (${error.message}); serving goes on, those records are lost\n`);
      });
    const { keepInputs, ...writerSettings } = settings;
    const writer = await PredictionLogWriter.open({ ...writerSettings, onError });
    const inputs = keepInputs === false ? undefined : new PredictionInputStore(settings.dir, onError);
    if (metrics) {
      new Gauge({
        name: 'deepline_prediction_log_records',
        help: 'Prediction log records since the server started, by state: written (handed to the OS), pending, dropped (queue full), failed (write errors)',
        labelNames: ['state'],
        registers: [metrics],
        collect() {
          const stats = writer.stats;
          for (const state of ['written', 'pending', 'dropped', 'failed'] as const) this.set({ state }, stats[state]);
        },
      });
      if (inputs) {
        new Gauge({
          name: 'deepline_prediction_log_inputs',
          help: 'Image inputs kept for labelling since the server started, by state: written (one per distinct input), pending, failed (write errors)',
          labelNames: ['state'],
          registers: [metrics],
          collect() {
            const stats = inputs.stats;
            for (const state of ['written', 'pending', 'failed'] as const) this.set({ state }, stats[state]);
          },
        });
      }
    }
    return new PredictionRecorder(writer, settings, inputs);
  }

  get stats(): PredictionLogWriter['stats'] {
    return this.writer.stats;
  }

  /** What the input store has done; undefined when inputs are not kept. */
  get inputStats(): PredictionInputStore['stats'] | undefined {
    return this.inputs?.stats;
  }

  /** The request's id: its `X-Request-Id` when that is usable, else a random UUID. */
  requestId(request: FastifyRequest): string {
    const given = request.headers['x-request-id'];
    return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
  }

  /** Whether the request with this id is logged (the sampling rate). */
  logs(requestId: string): boolean {
    return this.sampled(requestId);
  }

  /** Queues one record per instance of an answered request. */
  record(answered: AnsweredRequest): void {
    const { model } = answered;
    const time = new Date().toISOString();
    const embed = model.inputKind !== 'table';
    answered.outputs.forEach((output, k) => {
      const uncertainty = answered.uncertainties[k];
      const spread = answered.spreads?.[k];
      const logged = loggedInput(answered.instances[k], model.inputKind, { ...(this.settings.maxTextChars !== undefined && { maxTextChars: this.settings.maxTextChars }) });
      if (model.inputKind === 'image') this.inputs?.keep(model.name, answered.instances[k], logged.inputRef);
      this.writer.append({
        v: PREDICTION_LOG_VERSION,
        time,
        model: model.name,
        ...(model.version !== undefined && { version: model.version }),
        request: answered.id,
        instance: k,
        latencyMs: Math.round(answered.latencyMs * 1000) / 1000,
        ...logged,
        prediction: output.prediction,
        ...((uncertainty || spread) && { uncertainty: { ...uncertainty, ...(spread && { spread }) } }),
        ...(embed && output.embedding && { embedding: output.embedding }),
      });
    });
  }

  /** Writes what is queued (records and kept inputs) and closes the log's files. */
  async close(): Promise<void> {
    await Promise.all([this.writer.close(), this.inputs?.close()]);
  }
}
