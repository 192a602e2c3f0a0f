// Search of each resource type: parameters in, FHIR resources out, over the repositories of this
// folder (people, places, vitals, events). No HTTP here; reads by id are in read-by-id.ts.
import type { MdcRefId } from '../../shared/codes/mdc';
import {
  bedLocationResource,
  deviceResource,
  encounterResource,
  patientResource,
  unitLocationResource,
} from '../../shared/fhir/administrative';
import { made, type PageResource } from '../../shared/fhir/bundle';
import type { FhirResource } from '../../shared/fhir/resources';
import { vitalSignCodesFor } from '../../shared/fhir/vital-signs';
import {
  STRIP_MAX_MS,
  STRIP_MIN_MS,
  waveformCodesFor,
  WAVEFORM_TERMS,
} from '../../shared/fhir/waveform';
import type { Database } from '../db/database';
import { alarms, auditEvents, documents } from './events';
import { mrnKey, parseId } from './ids';
import { personKeyOfAdmission, personKeyOfMd5, persons, stays } from './people';
import type { Stay } from './people';
import { beds, devices } from './places';
import { badParameter, FhirRefusal, referenceId, single, timeRange, tokens } from './search-params';
import type { SearchRequest, TimeRange } from './search-params';
import {
  ALL_VITAL_CODES,
  countMinuteRollups,
  countRawReadings,
  minuteRollups,
  deferredMinuteRollups,
  rawReadings,
  waveformStrips,
} from './vitals';

export interface ReadContext {
  db: Database;
  nowMs: number;
  baseUrl: string;
}

export interface SearchResult<R = FhirResource> {
  resources: R[];
  more: boolean;
  /** Known when cheap (or asked with _summary=count). */
  total: number | null;
}

export const ALL_TIME: TimeRange = { fromMs: -Infinity, toMs: Infinity };
const overlaps = (fromMs: number, toMs: number | null, range: TimeRange) =>
  fromMs < range.toMs && (toMs ?? Infinity) > range.fromMs;

function page<T>(all: T[], request: SearchRequest, map: (t: T) => FhirResource): SearchResult {
  const slice = all.slice(request.offset, request.offset + request.count);
  return {
    resources: request.summary === 'count' ? [] : slice.map(map),
    more: request.summary !== 'count' && request.offset + request.count < all.length,
    total: all.length,
  };
}

/** More alternatives than this in one parameter are refused (each may cost a lookup). */
const MAX_ALTERNATIVES = 50;

function alternatives(name: string, values: string[]): string[] {
  const all = values.flatMap((v) => v.split(','));
  if (all.length > MAX_ALTERNATIVES) {
    throw badParameter(`Give at most ${MAX_ALTERNATIVES} values of ${name} in one search.`);
  }
  return all;
}

function ids(request: SearchRequest): string[] | null {
  const values = request.params.get('_id');
  return values ? alternatives('_id', values) : null;
}

/** Person keys a patient (or subject) parameter names; null when none was given. */
async function patientKeys(ctx: ReadContext, request: SearchRequest): Promise<string[] | null> {
  const given = [
    ...(request.params.get('patient') ?? []),
    ...(request.params.get('subject') ?? []),
  ];
  if (given.length === 0) return null;
  const keys: string[] = [];
  for (const value of alternatives('patient', given)) {
    const parsed = parseId(referenceId(value, 'Patient'));
    if (parsed?.kind !== 'person') continue;
    const key = await personKeyOfMd5(ctx.db, parsed.mrnMd5);
    if (key) keys.push(key);
  }
  return keys;
}

async function staysFor(
  ctx: ReadContext,
  request: SearchRequest,
  required: boolean,
): Promise<Stay[]> {
  const keys = await patientKeys(ctx, request);
  const encounter = single(request, 'encounter');
  if (keys === null && encounter === null && required) {
    throw badParameter('Name the patient (patient=Patient/…) or the stay (encounter=Encounter/…).');
  }
  let all: Stay[];
  if (encounter !== null) {
    const stay = await encounterStay(ctx, referenceId(encounter, 'Encounter'));
    all = stay && (keys === null || keys.includes(stay.personKey)) ? [stay] : [];
  } else {
    all = keys !== null && keys.length === 0 ? [] : await stays(ctx.db, keys ?? undefined);
  }
  return all;
}

export async function encounterStay(ctx: ReadContext, id: string): Promise<Stay | null> {
  const parsed = parseId(id);
  if (parsed?.kind !== 'row' || parsed.prefix !== 'enc') return null;
  const key = await personKeyOfAdmission(ctx.db, parsed.ws, parsed.uuid);
  if (!key) return null;
  return (await stays(ctx.db, [key])).find((s) => s.id === id) ?? null;
}

function dateRange(request: SearchRequest): TimeRange {
  const values = request.params.get('date');
  return values ? timeRange(values) : ALL_TIME;
}

export async function search(
  ctx: ReadContext,
  type: string,
  request: SearchRequest,
): Promise<SearchResult> {
  const found = await searchPage(ctx, type, request, false);
  return {
    ...found,
    resources: found.resources.map(made),
  };
}

/**
 * A search for a Bundle: with `deferred`, the resources a page has many of (the per-minute
 * rollups, ~6,000 in a day) are made only as the Bundle is written (see DeferredResource).
 */
export async function searchPage(
  ctx: ReadContext,
  type: string,
  request: SearchRequest,
  deferred: boolean,
): Promise<SearchResult<PageResource>> {
  switch (type) {
    case 'Patient': {
      const keys = new Set<string>();
      let filtered = false;
      for (const value of request.params.get('identifier') ?? []) {
        filtered = true;
        for (const t of tokens(value)) {
          const key = mrnKey(t.code);
          if (key) keys.add(key);
        }
      }
      const wanted = ids(request);
      if (wanted) {
        const byId = new Set<string>();
        for (const id of wanted) {
          const parsed = parseId(id);
          const key =
            parsed?.kind === 'person' ? await personKeyOfMd5(ctx.db, parsed.mrnMd5) : null;
          if (key && (!filtered || keys.has(key))) byId.add(key);
        }
        keys.clear();
        byId.forEach((k) => keys.add(k));
        filtered = true;
      }
      const birth = request.params.get('birthdate');
      const range = birth ? timeRange(birth) : null;
      const found =
        filtered && keys.size === 0
          ? []
          : await persons(ctx.db, {
              ...(filtered ? { personKeys: [...keys] } : {}),
              ...(single(request, 'name') ? { name: single(request, 'name')! } : {}),
              ...(range ? { birthFromMs: range.fromMs, birthToMs: range.toMs } : {}),
            });
      return page(found, request, patientResource);
    }
    case 'Encounter': {
      const range = dateRange(request);
      const location = single(request, 'location');
      const locationId = location === null ? null : referenceId(location, 'Location');
      const wanted = ids(request);
      const all = (await staysFor(ctx, request, false)).filter(
        (s) =>
          overlaps(s.fromMs, s.toMs, range) &&
          (locationId === null || s.bedLocationId === locationId) &&
          (wanted === null || wanted.includes(s.id)),
      );
      return page(all, request, encounterResource);
    }
    case 'Location': {
      const { units, beds: all } = await beds(ctx.db);
      const name = single(request, 'name')?.toLowerCase() ?? null;
      const partof = single(request, 'partof');
      const parentId = partof === null ? null : referenceId(partof, 'Location');
      const wanted = ids(request);
      const resources = [
        ...units.map((u) => ({
          id: u.id,
          name: u.name,
          parent: null as string | null,
          make: () => unitLocationResource(u),
        })),
        ...all.map((b) => ({
          id: b.id,
          name: b.label,
          parent: b.unitId,
          make: () => bedLocationResource(b),
        })),
      ].filter(
        (l) =>
          (name === null || l.name.toLowerCase().startsWith(name)) &&
          (parentId === null || l.parent === parentId) &&
          (wanted === null || wanted.includes(l.id)),
      );
      return page(resources, request, (l) => l.make());
    }
    case 'Device': {
      const location = single(request, 'location');
      const locationId = location === null ? null : referenceId(location, 'Location');
      const wanted = ids(request);
      const all = (await devices(ctx.db)).filter(
        (d) =>
          (locationId === null || d.bedLocationId === locationId) &&
          (wanted === null || wanted.includes(d.id)),
      );
      return page(all, request, deviceResource);
    }
    case 'Observation':
      return observations(ctx, request, deferred);
    case 'DetectedIssue': {
      const found = await alarms(ctx.db, {
        stays: await staysFor(ctx, request, false),
        range: dateRange(request),
        nowMs: ctx.nowMs,
        limit: request.summary === 'count' ? 100_000 : request.count,
        offset: request.offset,
      });
      return summarised(found, request);
    }
    case 'DocumentReference': {
      const type = single(request, 'type');
      const kinds = type === null ? undefined : documentKinds(type);
      const found = await documents(ctx.db, {
        stays: await staysFor(ctx, request, false),
        range: dateRange(request),
        nowMs: ctx.nowMs,
        limit: request.summary === 'count' ? 100_000 : request.count,
        offset: request.offset,
        baseUrl: ctx.baseUrl,
        ...(kinds ? { kinds } : {}),
      });
      return summarised(found, request);
    }
    case 'AuditEvent': {
      const found = await auditEvents(ctx.db, {
        range: dateRange(request),
        limit: request.summary === 'count' ? 100_000 : request.count,
        offset: request.offset,
      });
      return summarised(found, request);
    }
    default:
      throw new FhirRefusal(404, 'not-supported', `This server does not offer ${type}.`);
  }
}

function documentKinds(type: string): ('strip' | 'note')[] {
  const codes = tokens(type).map((t) => t.code);
  return [
    ...(codes.includes('11524-6') ? (['strip'] as const) : []),
    ...(codes.includes('34109-9') ? (['note'] as const) : []),
  ];
}

function summarised(
  found: { resources: FhirResource[]; more: boolean },
  request: SearchRequest,
): SearchResult {
  if (request.summary === 'count') {
    return { resources: [], more: false, total: request.offset + found.resources.length };
  }
  return {
    ...found,
    total: found.more ? null : request.offset + found.resources.length,
  };
}

type Resolution = 'minute' | 'raw' | 'waveform';

async function observations(
  ctx: ReadContext,
  request: SearchRequest,
  deferred: boolean,
): Promise<SearchResult<PageResource>> {
  const resolution = (single(request, '_resolution') ?? 'minute') as Resolution;
  if (!['minute', 'raw', 'waveform'].includes(resolution)) {
    throw badParameter('_resolution may be minute (the default), raw or waveform.');
  }
  const allStays = await staysFor(ctx, request, true);
  const range = dateRange(request);
  let vital: MdcRefId[] = ALL_VITAL_CODES;
  let waves: MdcRefId[] | null = null;
  const code = request.params.get('code');
  if (code) {
    const asked = code.flatMap(tokens);
    vital = [...new Set(asked.flatMap((t) => vitalSignCodesFor(t.system, t.code)))];
    waves = [...new Set(asked.flatMap((t) => waveformCodesFor(t.system, t.code)))];
    if (vital.length > 0 && waves.length > 0) {
      throw badParameter('Ask for vital signs and waveforms in separate searches.');
    }
    if (vital.length === 0 && waves.length === 0) return { resources: [], more: false, total: 0 };
  }
  const category = request.params.get('category');
  const vitalCategory = !category || category.flatMap(tokens).some((t) => t.code === 'vital-signs');
  const waveform = resolution === 'waveform' || (waves !== null && waves.length > 0);
  if (waveform) {
    if (category) return { resources: [], more: false, total: 0 };
    const spanMs = range.toMs - range.fromMs;
    if (!(spanMs >= STRIP_MIN_MS && spanMs <= STRIP_MAX_MS)) {
      throw badParameter(
        'A waveform strip is 10 to 60 seconds: give date=ge…&date=lt… (or le) that far apart.',
      );
    }
    const strips: FhirResource[] = [];
    for (const stay of allStays.filter((s) => overlaps(s.fromMs, s.toMs, range))) {
      strips.push(
        ...(await waveformStrips(ctx.db, {
          stay,
          fromMs: Math.max(range.fromMs, stay.fromMs),
          toMs: Math.min(range.toMs, stay.toMs ?? Infinity),
          terms: waves && waves.length > 0 ? waves : WAVEFORM_TERMS,
        })),
      );
    }
    return page(strips, request, (r) => r);
  }
  if (!vitalCategory) return { resources: [], more: false, total: 0 };
  const query = {
    stays: allStays,
    codes: vital,
    range,
    nowMs: ctx.nowMs,
    limit: request.count,
    offset: request.offset,
  };
  if (request.summary === 'count') {
    const total =
      resolution === 'raw'
        ? await countRawReadings(ctx.db, query)
        : await countMinuteRollups(ctx.db, query);
    return { resources: [], more: false, total };
  }
  if (resolution !== 'raw' && deferred && request.summary !== 'true') {
    const found = await deferredMinuteRollups(ctx.db, query);
    return {
      ...found,
      total: found.more ? null : request.offset + found.resources.length,
    };
  }
  const found =
    resolution === 'raw' ? await rawReadings(ctx.db, query) : await minuteRollups(ctx.db, query);
  const resources =
    request.summary === 'true' ? found.resources.map(observationSummary) : found.resources;
  return {
    resources,
    more: found.more,
    total: found.more ? null : request.offset + resources.length,
  };
}

/** _summary=true: the Observation's summary elements only (method and device are not). */
function observationSummary(r: FhirResource): FhirResource {
  const { method: _m, device: _d, ...rest } = r;
  const meta = (rest.meta ?? {}) as Record<string, unknown>;
  return {
    ...rest,
    meta: {
      ...meta,
      tag: [
        {
          system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue',
          code: 'SUBSETTED',
          display: 'subsetted',
        },
      ],
    },
  };
}
