// Stethoscope recordings: heart and lung sounds captured at the audio input's own rate and kept
// with the bed and the patient in it, as 16-bit PCM WAV, with the heart rate found in them.
import { z } from 'zod';
import { base64Length } from '../audio/base64';

/** The longest recording kept, in seconds. */
export const MAX_SOUND_RECORDING_S = 300;
/** Audio inputs run at 8–48 kHz; heart-sound datasets use 2–4 kHz files, so allow from 1 kHz. */
export const MIN_SOUND_RATE_HZ = 1_000;
export const MAX_SOUND_RATE_HZ = 48_000;
// The WAV header, plus room for the extra chunks (LIST, fact) that other writers add.
const WAV_HEADER_ALLOWANCE_BYTES = 4_096;
/** The largest WAV accepted: five minutes of 16-bit mono at the highest rate. */
export const MAX_SOUND_RECORDING_WAV_BYTES =
  MAX_SOUND_RECORDING_S * MAX_SOUND_RATE_HZ * 2 + WAV_HEADER_ALLOWANCE_BYTES;
export const MAX_SOUND_RECORDING_BASE64_CHARS = base64Length(MAX_SOUND_RECORDING_WAV_BYTES);

/** The filter listened with: bell 20–200 Hz, diaphragm 100–600 Hz, raw unfiltered. */
export const StethoscopeMode = z.enum(['bell', 'diaphragm', 'raw']);
export type StethoscopeMode = z.infer<typeof StethoscopeMode>;

/** Where the chest piece was: 'heart', 'lung', or a short free text such as 'lung left base'. */
export const AuscultationSite = z.string().trim().min(1).max(40);

/** The patient in the bed when a recording was kept, as their record named them then. */
export const SoundRecordingPatient = z.object({
  id: z.string(),
  mrn: z.string(),
  familyName: z.string(),
  givenName: z.string(),
});
export type SoundRecordingPatient = z.infer<typeof SoundRecordingPatient>;

export const SoundRecordingMetadata = z.object({
  id: z.string(),
  bedId: z.string(),
  /** Who was in the bed when it was saved; null for an empty bed. */
  patient: SoundRecordingPatient.nullable(),
  /** UTC ms of the first sample. */
  startedAt: z.number(),
  durationS: z.number().nonnegative(),
  rateHz: z.number().int().positive(),
  site: z.string().nullable(),
  mode: StethoscopeMode.nullable(),
  label: z.string().nullable(),
  /** The heart rate found in the heart sounds when it was saved; null when none was found. */
  heartRateBpm: z.number().nullable(),
});
export type SoundRecordingMetadata = z.infer<typeof SoundRecordingMetadata>;

export const SoundRecording = SoundRecordingMetadata.extend({ wavBase64: z.string() });
export type SoundRecording = z.infer<typeof SoundRecording>;
