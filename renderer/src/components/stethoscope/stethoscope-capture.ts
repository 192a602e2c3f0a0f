// Captures a stethoscope (an audio input) at the AudioContext's rate. The raw signal is kept
// sample for sample; a bell or diaphragm filter shapes only what is heard and drawn.
import { MAX_SOUND_RATE_HZ, type StethoscopeMode } from '../../../../shared/model/sound-recording';

/** Band of each mode in Hz; raw passes everything the input delivers. */
export const MODE_BANDS: Record<StethoscopeMode, { lowHz: number; highHz: number } | null> = {
  bell: { lowHz: 20, highHz: 200 },
  diaphragm: { lowHz: 100, highHz: 600 },
  raw: null,
};

const WORKLET_URL = 'pcm-capture-worklet.js';
const FALLBACK_BLOCK_FRAMES = 4096;
const FLUSH_TIMEOUT_MS = 500;

export interface StethoscopeCapture {
  readonly rateHz: number;
  /** UTC ms when capture began. */
  readonly startedAt: number;
  /** The filtered signal, for the phonocardiogram. */
  readonly analyser: AnalyserNode;
  /** How the raw samples are taken: 'worklet' normally, 'script-processor' if worklets fail. */
  readonly captureMethod: 'worklet' | 'script-processor';
  capturedFrames(): number;
  /** Every raw block as it is taken (telehealth's live share, remote-share.ts); returns the off. */
  onRawSamples(listener: (samples: Float32Array) => void): () => void;
  /** The last raw samples taken, up to `seconds` of them (for the live heart rate). */
  recentSamples(seconds: number): Float32Array;
  setMode(mode: StethoscopeMode): void;
  setListening(listening: boolean): void;
  /** Ends the capture and returns every raw sample taken. */
  stop(): Promise<Float32Array>;
}

/** Audio inputs with their labels (labels are empty until the person has allowed capture once). */
export async function listAudioInputs(): Promise<MediaDeviceInfo[]> {
  if (!navigator.mediaDevices?.enumerateDevices) return [];
  const devices = await navigator.mediaDevices.enumerateDevices();
  return devices.filter((device) => device.kind === 'audioinput');
}

export async function startCapture(
  deviceId: string | null,
  mode: StethoscopeMode,
): Promise<StethoscopeCapture> {
  // Echo cancellation, noise suppression and gain control would reshape heart and lung sounds.
  const stream = await navigator.mediaDevices.getUserMedia({
    audio: {
      ...(deviceId ? { deviceId: { exact: deviceId } } : {}),
      echoCancellation: false,
      noiseSuppression: false,
      autoGainControl: false,
      channelCount: 1,
    },
  });
  let context = new AudioContext({ latencyHint: 'interactive' });
  if (context.sampleRate > MAX_SOUND_RATE_HZ) {
    await context.close();
    context = new AudioContext({ latencyHint: 'interactive', sampleRate: MAX_SOUND_RATE_HZ });
  }
  try {
    return await buildGraph(context, stream, mode);
  } catch (error) {
    stream.getTracks().forEach((track) => track.stop());
    await context.close().catch(() => undefined);
    throw error;
  }
}

async function buildGraph(
  context: AudioContext,
  stream: MediaStream,
  mode: StethoscopeMode,
): Promise<StethoscopeCapture> {
  const source = context.createMediaStreamSource(stream);
  const chunks: Float32Array[] = [];
  let frames = 0;
  const rawListeners = new Set<(samples: Float32Array) => void>();
  const keep = (samples: Float32Array) => {
    chunks.push(samples);
    frames += samples.length;
    for (const listener of rawListeners) listener(samples);
  };
  // Capture nodes only run while connected to the destination: through a muted gain.
  const sink = context.createGain();
  sink.gain.value = 0;
  sink.connect(context.destination);

  let flushCapture: () => Promise<void>;
  let captureMethod: StethoscopeCapture['captureMethod'];
  try {
    await context.audioWorklet.addModule(new URL(WORKLET_URL, document.baseURI).href);
    const node = new AudioWorkletNode(context, 'pcm-capture', {
      numberOfInputs: 1,
      numberOfOutputs: 1,
      channelCount: 1,
      channelCountMode: 'explicit',
    });
    let flushed: (() => void) | null = null;
    node.port.onmessage = (event: MessageEvent<unknown>) => {
      if (event.data instanceof Float32Array) keep(event.data);
      else if (event.data === 'flushed') flushed?.();
    };
    source.connect(node).connect(sink);
    captureMethod = 'worklet';
    flushCapture = () =>
      new Promise<void>((resolve) => {
        flushed = resolve;
        node.port.postMessage('flush');
        setTimeout(resolve, FLUSH_TIMEOUT_MS);
      });
  } catch (error) {
    console.warn('[stethoscope] AudioWorklet unavailable, using ScriptProcessorNode:', error);
    const node = context.createScriptProcessor(FALLBACK_BLOCK_FRAMES, 1, 1);
    node.onaudioprocess = (event) => keep(event.inputBuffer.getChannelData(0).slice());
    source.connect(node).connect(sink);
    captureMethod = 'script-processor';
    flushCapture = async () => {};
  }

  // Second-order Butterworth sections, for listening and display only.
  const highPass = new BiquadFilterNode(context, { type: 'highpass', Q: Math.SQRT1_2 });
  const lowPass = new BiquadFilterNode(context, { type: 'lowpass', Q: Math.SQRT1_2 });
  const analyser = new AnalyserNode(context, { fftSize: 2048 });
  const monitor = new GainNode(context, { gain: 0 });
  source.connect(highPass).connect(lowPass);
  lowPass.connect(analyser);
  lowPass.connect(monitor).connect(context.destination);

  const setMode = (next: StethoscopeMode) => {
    const band = MODE_BANDS[next];
    const nyquistHz = context.sampleRate / 2;
    highPass.frequency.value = band ? band.lowHz : 1;
    lowPass.frequency.value = band ? band.highHz : nyquistHz;
  };
  setMode(mode);
  await context.resume();

  let stopped: Promise<Float32Array> | null = null;
  return {
    rateHz: context.sampleRate,
    startedAt: Date.now(),
    analyser,
    captureMethod,
    capturedFrames: () => frames,
    onRawSamples: (listener) => {
      rawListeners.add(listener);
      return () => void rawListeners.delete(listener);
    },
    recentSamples: (seconds) => lastSamples(chunks, Math.round(seconds * context.sampleRate)),
    setMode,
    setListening: (listening) => {
      monitor.gain.setTargetAtTime(listening ? 1 : 0, context.currentTime, 0.02);
    },
    stop: () =>
      (stopped ??= (async () => {
        await flushCapture();
        stream.getTracks().forEach((track) => track.stop());
        await context.close().catch(() => undefined);
        const samples = new Float32Array(frames);
        let at = 0;
        for (const chunk of chunks) {
          samples.set(chunk, at);
          at += chunk.length;
        }
        return samples;
      })()),
  };
}

/** The newest `count` samples across the captured chunks, oldest first. */
function lastSamples(chunks: readonly Float32Array[], count: number): Float32Array {
  const taken: Float32Array[] = [];
  let total = 0;
  for (let i = chunks.length - 1; i >= 0 && total < count; i--) {
    const chunk = chunks[i]!;
    const part =
      chunk.length > count - total ? chunk.subarray(chunk.length - (count - total)) : chunk;
    taken.push(part);
    total += part.length;
  }
  const samples = new Float32Array(total);
  let at = 0;
  for (const part of taken.reverse()) {
    samples.set(part, at);
    at += part.length;
  }
  return samples;
}
