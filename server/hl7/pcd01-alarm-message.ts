// Alarms as IHE PCD ACM (Alert Communication Management) Report Alert [PCD-04]: HL7 v2.6
// ORU^R40, one message per change of an alarm (raised, escalated, acknowledged, latched, ended),
// with the alert's facets as OBX rows under one OBR. Pure: an alarm_events row in, text out.
import { MDC } from '../../shared/codes/mdc';
import type { MdcRefId } from '../../shared/codes/mdc';
import { hl7Time, message, segment } from './er7';
import type { Er7Field } from './er7';
import {
  blanks,
  equipmentId,
  mshSegment,
  nmText,
  pidSegment,
  pv1Segment,
  type BedPlace,
  type Envelope,
} from './pcd01-message';

export const ACM_PROFILE = ['IHE_PCD_ACM_001', 'IHE PCD', '1.3.6.1.4.1.19376.1.6.4.4', 'ISO'];
const MDC_EVT_ALARM = ['196616', 'MDC_EVT_ALARM', 'MDC'];
const MDC_EVT_HI = ['196648', 'MDC_EVT_HI', 'MDC'];
const MDC_EVT_LO = ['196670', 'MDC_EVT_LO', 'MDC'];

/** An alarm_events row as the server keeps it. */
export interface AlarmEventRow {
  id: string;
  workstationId: string;
  bedId: string;
  alarmId: string;
  event: string;
  kind: 'physiological' | 'technical' | null;
  priority: 'high' | 'medium' | 'low' | null;
  /** The workstation's alarm code: SPO2_LOW, VTACH, SIGNAL_ECG, … */
  code: string;
  message: string;
  value: number | null;
  limitValue: number | null;
  /** Who or what the change came from: a device id, a user, `workstation`. */
  actor: string;
  atMs: number;
}

/** ACM's phase, alarm state and inactivation state for a change of an alarm. */
export interface AlertFacets {
  phase: 'start' | 'continue' | 'end';
  state: 'active' | 'latched' | 'inactive';
  inactivation: 'enabled' | 'alert-acknowledged';
}

const FACETS: Readonly<Record<string, AlertFacets>> = {
  raised: { phase: 'start', state: 'active', inactivation: 'enabled' },
  escalated: { phase: 'continue', state: 'active', inactivation: 'enabled' },
  acknowledged: { phase: 'continue', state: 'active', inactivation: 'alert-acknowledged' },
  latched: { phase: 'continue', state: 'latched', inactivation: 'enabled' },
  ended: { phase: 'end', state: 'inactive', inactivation: 'enabled' },
};

/** The facets of an event; null for one ACM does not report (a reminder, a setting changed). */
export function alertFacets(event: string): AlertFacets | null {
  return Object.hasOwn(FACETS, event) ? FACETS[event]! : null;
}

/** The monitored quantity of a limit alarm, from the workstation's code prefix. */
const LIMIT_SOURCES: Readonly<Record<string, MdcRefId>> = {
  HR: 'MDC_ECG_HEART_RATE',
  PR: 'MDC_PULS_OXIM_PULS_RATE',
  SPO2: 'MDC_PULS_OXIM_SAT_O2',
  RR: 'MDC_RESP_RATE',
  NIBP_SYS: 'MDC_PRESS_BLD_NONINV_SYS',
  NIBP_DIA: 'MDC_PRESS_BLD_NONINV_DIA',
  NIBP_MEAN: 'MDC_PRESS_BLD_NONINV_MEAN',
  TEMP: 'MDC_TEMP_BODY',
};

function limitAlarm(code: string): { source: MdcRefId; side: 'H' | 'L' } | null {
  const m = /^(.+)_(HIGH|LOW)$/.exec(code);
  const source = m ? LIMIT_SOURCES[m[1]!] : undefined;
  return source ? { source, side: m![2] === 'HIGH' ? 'H' : 'L' } : null;
}

const PRIORITY: Record<string, string> = { high: 'PH', medium: 'PM', low: 'PL' };

/** The ORU^R40 of one change of an alarm; null when ACM does not report that change. */
export function buildPcd04(
  alarm: AlarmEventRow,
  place: BedPlace,
  envelope: Envelope,
): string | null {
  const facets = alertFacets(alarm.event);
  if (!facets) return null;
  const limit = limitAlarm(alarm.code);
  const priority = alarm.priority ? PRIORITY[alarm.priority]! : 'PN';
  const type = alarm.kind === 'technical' ? 'ST' : 'SP';
  const at = hl7Time(alarm.atMs);
  const equipment = equipmentId(alarm.actor, alarm.workstationId);
  const event = limit ? (limit.side === 'H' ? MDC_EVT_HI : MDC_EVT_LO) : MDC_EVT_ALARM;
  const segments = [
    mshSegment(envelope, ['ORU', 'R40', 'ORU_R40'], ACM_PROFILE),
    pidSegment(place),
    pv1Segment(place),
    segment(
      'OBR',
      1,
      null,
      [alarm.alarmId, alarm.workstationId], // OBR-3: the alert instance
      MDC_EVT_ALARM, // OBR-4
      null,
      null,
      at, // OBR-7
      facets.phase === 'end' ? at : null, // OBR-8
    ),
  ];
  let setId = 0;
  const facet = (
    type: string,
    id: readonly (string | number)[],
    n: number,
    value: Er7Field,
    more: { units?: Er7Field; range?: string | null; flags?: Er7Field } = {},
  ) =>
    segments.push(
      segment(
        'OBX',
        ++setId,
        type,
        [...id],
        `1.0.0.0.${n}`, // OBX-4: the alert's facet n
        value,
        more.units ?? null,
        more.range ?? null,
        more.flags ?? null, // OBX-8
        ...blanks(2),
        'F', // OBX-11
        ...blanks(2),
        at, // OBX-14
        ...blanks(3),
        equipment, // OBX-18
      ),
    );
  // 1: what the alert is (the MDC event, with the workstation's code and words beside it).
  facet('CWE', MDC_EVT_ALARM, 1, [...event, alarm.code, alarm.message, 'L'], {
    flags: { repeat: [[priority], [type], ...(limit ? [[limit.side]] : [])] },
  });
  // 2: its source: the monitored value and its limit, or the device or workstation it came from.
  const term = limit ? MDC[limit.source] : null;
  if (term && alarm.value !== null) {
    const range =
      alarm.limitValue === null
        ? null
        : `${limit!.side === 'H' ? '<' : '>'}${nmText(alarm.limitValue)}`;
    facet('NM', [term.code, term.refId, 'MDC'], 2, nmText(alarm.value), {
      units: [term.unit, term.unit, 'UCUM'],
      range,
    });
  } else {
    facet('ST', ['68480', 'MDC_ATTR_ALERT_SOURCE', 'MDC'], 2, alarm.actor);
  }
  facet('ST', ['68481', 'MDC_ATTR_EVENT_PHASE', 'MDC'], 3, facets.phase);
  facet('ST', ['68482', 'MDC_ATTR_ALARM_STATE', 'MDC'], 4, facets.state);
  facet('ST', ['68483', 'MDC_ATTR_ALARM_INACTIVATION_STATE', 'MDC'], 5, facets.inactivation);
  facet('ST', ['68484', 'MDC_ATTR_ALARM_PRIORITY', 'MDC'], 6, priority);
  facet('ST', ['68485', 'MDC_ATTR_ALERT_TYPE', 'MDC'], 7, type);
  return message(segments);
}
