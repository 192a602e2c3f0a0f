// The report as CSV (RFC 4180: comma-separated, CRLF line ends, a field quoted when it holds a
// comma, quote or line break, its quotes doubled). A cell a spreadsheet would take for a formula
// (starting with = + - @, or a tab or carriage return) gets a leading apostrophe: an actor or
// subject written by a workstation must never run as a formula on the privacy officer's computer.
import type { AuditReportEntry } from './audit-report';

export const AUDIT_CSV_HEADER = [
  'time (UTC)',
  'workstation',
  'who',
  'what',
  'action',
  'subject',
  'detail',
] as const;

export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export const csvLine = (cells: readonly string[]) => `${cells.map(csvCell).join(',')}\r\n`;

export function auditCsvLine(e: AuditReportEntry): string {
  return csvLine([
    new Date(e.atMs).toISOString(),
    e.workstationName,
    e.actor,
    e.actionWords,
    e.action,
    e.subject ?? '',
    e.detail ?? '',
  ]);
}
