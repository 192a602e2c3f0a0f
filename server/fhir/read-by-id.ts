// Read of one resource by its id: the id says where its row is (ids.ts), the row says whose stay
// it belongs to, and the same mapping as search makes the resource. No HTTP here.
import { encounterResource } from '../../shared/fhir/administrative';
import type { FhirResource } from '../../shared/fhir/resources';
import { STRIP_MAX_MS, STRIP_MIN_MS } from '../../shared/fhir/waveform';
import { alarms, auditEvents, bedRowPlace, documents, stripPdf } from './events';
import { parseId, textKey } from './ids';
import type { ParsedId } from './ids';
import { stayAt, staysOfBed, workstationsOfKey } from './people';
import { beds } from './places';
import { ALL_TIME, encounterStay, search } from './search';
import type { ReadContext } from './search';
import { FhirRefusal } from './search-params';
import type { SearchRequest } from './search-params';
import { minuteRollup, rawReading, stayOfMinute, waveformStrips } from './vitals';

/** Read of one resource by its id; null when there is none (404). */
export async function read(
  ctx: ReadContext,
  type: string,
  id: string,
): Promise<FhirResource | null> {
  const parsed = parseId(id);
  if (!parsed) return null;
  const one = async (params: Record<string, string>) => {
    const request: SearchRequest = {
      params: new Map(Object.entries(params).map(([k, v]) => [k, [v]])),
      count: 2,
      offset: 0,
      summary: 'false',
    };
    const found = await search(ctx, type, request);
    return found.resources.find((r) => r.id === id) ?? null;
  };
  switch (type) {
    case 'Patient':
    case 'Location':
    case 'Device':
      return one({ _id: id });
    case 'Encounter': {
      const stay = await encounterStay(ctx, id);
      return stay ? encounterResource(stay) : null;
    }
    case 'Observation':
      return readObservation(ctx, parsed);
    case 'DetectedIssue':
    case 'DocumentReference': {
      if (parsed.kind !== 'row') return null;
      const table =
        type === 'DetectedIssue'
          ? parsed.prefix === 'alarm' && 'alarm_events'
          : parsed.prefix === 'strip'
            ? 'strips'
            : parsed.prefix === 'note' && 'annotations';
      if (!table) return null;
      const place = await bedRowPlace(
        ctx.db,
        table,
        await workstationsOfKey(ctx.db, parsed.ws),
        parsed.uuid,
      );
      if (!place) return null;
      const stay = stayAt(
        await staysOfBed(ctx.db, place.workstationId, place.bedId),
        place.workstationId,
        place.bedId,
        place.atMs,
      );
      if (!stay) return null;
      const q = {
        stays: [stay],
        range: ALL_TIME,
        nowMs: ctx.nowMs,
        limit: 1,
        offset: 0,
        rowId: parsed.uuid,
      };
      const found =
        type === 'DetectedIssue'
          ? await alarms(ctx.db, q)
          : await documents(ctx.db, { ...q, baseUrl: ctx.baseUrl });
      return found.resources[0] ?? null;
    }
    case 'AuditEvent': {
      const found =
        parsed.kind === 'access'
          ? await auditEvents(ctx.db, {
              range: ALL_TIME,
              limit: 1,
              offset: 0,
              accessSeq: parsed.seq,
            })
          : parsed.kind === 'row' && parsed.prefix === 'audit'
            ? await auditEvents(ctx.db, {
                range: ALL_TIME,
                limit: 1,
                offset: 0,
                workstationRow: {
                  workstationIds: await workstationsOfKey(ctx.db, parsed.ws),
                  uuid: parsed.uuid,
                },
              })
            : null;
      return found?.resources[0] ?? null;
    }
    default:
      throw new FhirRefusal(404, 'not-supported', `This server does not offer ${type}.`);
  }
}

async function bedOf(ctx: ReadContext, wsHex: string, bedHex: string) {
  const workstations = await workstationsOfKey(ctx.db, wsHex);
  const { beds: all } = await beds(ctx.db);
  return (
    all.find((b) => workstations.includes(b.workstationId) && textKey(b.bedId) === bedHex) ?? null
  );
}

async function readObservation(ctx: ReadContext, parsed: ParsedId): Promise<FhirResource | null> {
  if (parsed.kind === 'row' && parsed.prefix === 'obs') {
    return rawReading(
      ctx.db,
      await workstationsOfKey(ctx.db, parsed.ws),
      parsed.uuid,
      (ws, bed) => staysOfBed(ctx.db, ws, bed),
      stayAt,
    );
  }
  if (parsed.kind === 'minute') {
    const bed = await bedOf(ctx, parsed.ws, parsed.bed);
    if (!bed) return null;
    const stay = stayOfMinute(
      await staysOfBed(ctx.db, bed.workstationId, bed.bedId),
      bed.workstationId,
      bed.bedId,
      parsed.minute,
    );
    return stay ? minuteRollup(ctx.db, stay, parsed.minute, parsed.code) : null;
  }
  if (parsed.kind === 'strip') {
    if (!(
      parsed.toMs - parsed.fromMs >= STRIP_MIN_MS && parsed.toMs - parsed.fromMs <= STRIP_MAX_MS
    ))
      return null;
    const bed = await bedOf(ctx, parsed.ws, parsed.bed);
    if (!bed) return null;
    const stay = stayAt(
      await staysOfBed(ctx.db, bed.workstationId, bed.bedId),
      bed.workstationId,
      bed.bedId,
      parsed.fromMs,
    );
    if (!stay) return null;
    const [strip] = await waveformStrips(ctx.db, {
      stay,
      fromMs: parsed.fromMs,
      toMs: parsed.toMs,
      terms: null,
      channelKey: parsed.channel,
    });
    return strip ?? null;
  }
  return null;
}

/** A strip's PDF for Binary read, when it belongs to a patient's stay. */
/** A strip's PDF and the Patient it is of (for the access log), or null. */
export async function readStripPdf(
  ctx: ReadContext,
  id: string,
): Promise<{ pdf: Buffer; patientId: string } | null> {
  const parsed = parseId(id);
  if (parsed?.kind !== 'row' || parsed.prefix !== 'strip') return null;
  const found = await stripPdf(ctx.db, await workstationsOfKey(ctx.db, parsed.ws), parsed.uuid);
  if (!found) return null;
  const stay = stayAt(
    await staysOfBed(ctx.db, found.workstationId, found.bedId),
    found.workstationId,
    found.bedId,
    found.fromMs,
  );
  return stay ? { pdf: found.pdf, patientId: stay.patientId } : null;
}
