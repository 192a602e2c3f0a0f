// One export of a bed's stored record, as both the CLI and the api make it.
import type { Store } from '../store/client';
import { writeCsv } from './csv';
import { writeEdf } from './edf';
import type { ExportFile } from './record';
import { recordsFromStore } from './store-records';
import { writeWfdb } from './wfdb';

export const EXPORT_FORMATS = ['wfdb', 'wfdb212', 'csv', 'edf'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The export is impossible as asked (no data, a format that cannot hold the values…). */
export class ExportError extends Error {}

export async function exportBed(
  store: Store,
  query: { bedId: string; fromMs: number; toMs: number; format: ExportFormat },
): Promise<{ files: ExportFile[]; warnings: string[] }> {
  const name = query.bedId.replace(/[^a-zA-Z0-9_]/g, '_');
  // Each format's own "no data" value fills times without signal.
  const gapValue = query.format === 'wfdb212' ? -2048 : -32768;
  let records;
  try {
    records = await recordsFromStore(store, { ...query, name, gapValue });
  } catch (error) {
    throw new ExportError((error as Error).message);
  }
  const files: ExportFile[] = [];
  const warnings: string[] = [];
  for (const record of records) {
    try {
      const result =
        query.format === 'csv'
          ? writeCsv(record)
          : query.format === 'edf'
            ? writeEdf(record)
            : writeWfdb(record, { format: query.format === 'wfdb212' ? 212 : 16 });
      files.push(...result.files);
      warnings.push(...result.warnings.map((warning) => `${record.name}: ${warning}`));
    } catch (error) {
      throw new ExportError(`${record.name}: ${(error as Error).message}`);
    }
  }
  return { files, warnings };
}
