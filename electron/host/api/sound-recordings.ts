// The contract's stethoscope requests: recordings arrive as base64 WAV, are checked to be 16-bit
// PCM of the stated rate and length, and are kept with the bed, the patient in it, and the heart
// rate found in the heart sounds.
import { ApiError } from '../../../shared/api/errors';
import { base64ToBytes, bytesToBase64 } from '../../../shared/audio/base64';
import { heartSoundRate } from '../../../shared/audio/heart-sound-rate';
import { decodeWav, WavFormatError } from '../../../shared/audio/wav';
import type { Patient } from '../../../shared/model/schemas';
import {
  MAX_SOUND_RECORDING_S,
  StethoscopeMode,
  type SoundRecordingMetadata,
} from '../../../shared/model/sound-recording';
import type { Store, StoredSoundRecording } from '../store/client';
import type { ApiHandlers } from './router';

export type SoundRecordingStore = Pick<
  Store,
  'saveSoundRecording' | 'listSoundRecordings' | 'readSoundRecording'
>;

type SoundRecordingRequests = Pick<
  ApiHandlers['requests'],
  'saveSoundRecording' | 'listSoundRecordings' | 'getSoundRecording'
>;

/** What a recording needs of its bed: who is in it now. */
export interface RecordingBed {
  patient: Patient | null;
}

export function soundRecordingHandlers(
  store: SoundRecordingStore,
  bedOrThrow: (bedId: string) => RecordingBed,
): SoundRecordingRequests {
  return {
    saveSoundRecording: async ({ bedId, label, site, mode, rateHz, startedAt, wavBase64 }) => {
      const bed = bedOrThrow(bedId);
      const wav = wavBytes(wavBase64);
      const { samples, rateHz: fileRateHz } = readWav(wav);
      if (fileRateHz !== rateHz) {
        throw new ApiError(
          'invalid_request',
          `The recording was sent as ${rateHz} Hz but its WAV file is at ${fileRateHz} Hz; record it again.`,
        );
      }
      if (samples.length === 0) {
        throw new ApiError('invalid_request', 'The recording is empty: it holds no sound.');
      }
      const durationS = samples.length / rateHz;
      if (durationS > MAX_SOUND_RECORDING_S) {
        throw new ApiError(
          'invalid_request',
          `The recording is ${Math.ceil(durationS)} s long; at most ${MAX_SOUND_RECORDING_S / 60} minutes can be kept. Record a shorter one.`,
        );
      }
      const heartRate = heartSoundRate(samples, rateHz);
      const saved = await store.saveSoundRecording({
        bedId,
        patientId: bed.patient?.id ?? null,
        startedAtMs: startedAt,
        rateHz,
        sampleCount: samples.length,
        site: site || null,
        mode: mode ?? null,
        label: label || null,
        heartRateBpm: heartRate ? Math.round(heartRate.bpm * 10) / 10 : null,
        wav,
      });
      return metadataOf(saved);
    },

    listSoundRecordings: async ({ bedId }) => {
      bedOrThrow(bedId);
      return (await store.listSoundRecordings(bedId)).map(metadataOf);
    },

    getSoundRecording: async ({ id }) => {
      const recording = await store.readSoundRecording(id);
      if (!recording) {
        throw new ApiError('not_found', 'That sound recording does not exist on this workstation.');
      }
      return { ...metadataOf(recording), wavBase64: bytesToBase64(recording.wav) };
    },
  };
}

function wavBytes(wavBase64: string): Uint8Array {
  try {
    return base64ToBytes(wavBase64);
  } catch {
    throw new ApiError('invalid_request', 'The recording could not be read: it is not base64.');
  }
}

function readWav(wav: Uint8Array) {
  try {
    return decodeWav(wav);
  } catch (error) {
    if (error instanceof WavFormatError) {
      throw new ApiError('invalid_request', `The recording could not be read: ${error.message}`);
    }
    throw error;
  }
}

function metadataOf(stored: StoredSoundRecording): SoundRecordingMetadata {
  return {
    id: stored.id,
    bedId: stored.bedId,
    startedAt: stored.startedAtMs,
    durationS: stored.sampleCount / stored.rateHz,
    rateHz: stored.rateHz,
    site: stored.site,
    mode: StethoscopeMode.safeParse(stored.mode).data ?? null,
    label: stored.label,
    heartRateBpm: stored.heartRateBpm,
    patient: stored.patient,
  };
}
