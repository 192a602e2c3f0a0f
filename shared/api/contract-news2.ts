// The early warning score's requests (spread into `requests` in contract.ts): what the nurse
// records at the bed for NEWS2. The score itself comes with the bed (snapshot and `news2` events).
import { z } from 'zod';
import { News2Observation, News2Status } from '../model/news2';

export const news2Requests = {
  /**
   * Records, for the patient in the bed, any of: the SpO₂ scale the clinician chose (1, or 2 for
   * hypercapnic respiratory failure), air or oxygen, consciousness on ACVPU, a temperature taken
   * by hand. Kept with the patient's stay (refused for an empty bed); answers the new score.
   */
  recordNews2Observation: {
    input: z.object({ bedId: z.string().min(1).max(200), observation: News2Observation }).strict(),
    output: News2Status,
  },
} as const;
