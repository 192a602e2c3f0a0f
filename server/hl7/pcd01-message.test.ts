// The PCD-01 and ACM messages as built, read back by an independent parser (simple-hl7) and
// checked field by field against the layout in ../shared/clinical/README.md.
import { describe, expect, it } from 'vitest';
import hl7 from 'simple-hl7';
import { buildPcd04 } from './pcd01-alarm-message';
import type { AlarmEventRow } from './pcd01-alarm-message';
import { buildPcd01, equipmentId, nmText, periodValues } from './pcd01-message';
import type { BedPeriod, PeriodNumeric } from './pcd01-message';

const T0 = Date.UTC(2026, 2, 4, 10, 15, 0);
const ENVELOPE = { controlId: 'ABCD1234-17', madeAtMs: T0 + 75_000, serverId: 'server-uuid' };
const EUI = '0012A1FFFE3B4C5D';

function n(p: Partial<PeriodNumeric> & { code: string; value: number }): PeriodNumeric {
  return { deviceId: 'dev-1', unit: '%', atMs: T0 + 1_000, computed: false, ...p };
}

const PERIOD: BedPeriod = {
  workstationId: 'ws-icu',
  unit: 'ICU 2',
  bedId: 'bed-3',
  bedLabel: 'Bed 3',
  patient: {
    patientId: '018f0000-0000-7000-8000-000000000001',
    mrn: 'TEST-0001',
    familyName: 'Testpatient',
    givenName: 'Alma',
    birthDate: '1950-03-01',
  },
  periodStartMs: T0,
  periodMs: 60_000,
  numerics: [
    n({ code: 'MDC_PULS_OXIM_SAT_O2', value: 95, atMs: T0 + 10_000 }),
    n({ code: 'MDC_PULS_OXIM_SAT_O2', value: 97, atMs: T0 + 58_000 }),
    n({ code: 'MDC_PULS_OXIM_SAT_O2', value: 96, atMs: T0 + 30_000 }),
    n({ code: 'MDC_PULS_OXIM_PULS_RATE', value: 71, unit: '/min', atMs: T0 + 50_000 }),
    // The workstation's own heart rate from dev-1's ECG, and the monitor's: only the monitor's.
    n({
      code: 'MDC_ECG_HEART_RATE',
      value: 80,
      unit: '/min',
      deviceId: 'workstation:dev-1',
      computed: true,
    }),
    n({ code: 'MDC_ECG_HEART_RATE', value: 72, unit: '/min', deviceId: EUI, atMs: T0 + 40_000 }),
    n({ code: 'MDC_PRESS_BLD_NONINV_SYS', value: 121, unit: 'mm[Hg]', deviceId: EUI }),
    n({ code: 'MDC_PRESS_BLD_NONINV_DIA', value: 79, unit: 'mm[Hg]', deviceId: EUI }),
    n({ code: 'MDC_TEMP_BODY', value: 36.8000000001, unit: 'Cel', deviceId: EUI }),
    // No place in PCD-01 (not an MDC term we have): left out.
    n({ code: 'NEWS2', value: 3, unit: '{score}', computed: true }),
  ],
};

function parse(text: string) {
  return new hl7.Parser().parse(text);
}

/** MSH-n as simple-hl7 numbers its header (from MSH-3 on, less two). */
function msh(msg: ReturnType<typeof parse>, field: number) {
  return msg.header.getField(field - 2);
}

describe('PCD-01 ORU^R01', () => {
  const text = buildPcd01(PERIOD, ENVELOPE)!;
  const msg = parse(text);
  const obx = msg.getSegments('OBX');

  it('has the PCD-01 header: type, control id, processing, version, acks, profile', () => {
    expect(text.startsWith('MSH|^~\\&|')).toBe(true);
    expect(msg.segments.map((s) => s.name).slice(0, 4)).toEqual(['PID', 'PV1', 'OBR', 'OBX']);
    expect(msh(msg, 3)).toBe('CENTRAL^server-uuid^GUID');
    expect(msh(msg, 7)).toBe('20260304101615+0000');
    expect(msh(msg, 9)).toBe('ORU^R01^ORU_R01');
    expect(msh(msg, 10)).toBe('ABCD1234-17');
    expect(msh(msg, 11)).toBe('P');
    expect(msh(msg, 12)).toBe('2.6');
    expect(msh(msg, 15)).toBe('AL');
    expect(msh(msg, 16)).toBe('NE');
    expect(msh(msg, 18)).toBe('UNICODE UTF-8');
    expect(msh(msg, 21)).toBe('IHE_PCD_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.1.1^ISO');
  });

  it('names the patient (PID-3 MRN of type MR, name, birth date) and the bed (PV1)', () => {
    const pid = msg.getSegment('PID');
    expect(pid.getComponent(3, 1)).toBe('TEST-0001');
    expect(pid.getComponent(3, 5)).toBe('MR');
    expect(pid.getComponent(5, 1)).toBe('Testpatient');
    expect(pid.getComponent(5, 2)).toBe('Alma');
    expect(pid.getField(7)).toBe('19500301');
    const pv1 = msg.getSegment('PV1');
    expect(pv1.getField(2)).toBe('I');
    expect(pv1.getField(3)).toBe('ICU 2^^Bed 3');
  });

  it('answers the monitoring order for the period (OBR-4, OBR-7)', () => {
    const obr = msg.getSegment('OBR');
    expect(obr.getField(4)).toBe('182777000^monitoring of patient^SNOMED-CT');
    expect(obr.getField(7)).toBe('20260304101500+0000');
    expect(obr.getField(8)).toBe('20260304101600+0000');
    expect(obr.getComponent(3, 1)).toBe('ABCD1234-17');
  });

  it('puts every device in its own MDS with the dotted 11073 hierarchy in OBX-4', () => {
    const rows = obx.map((s) => [
      s.getField(1),
      s.getComponent(3, 2),
      s.getField(4),
      s.getField(11),
    ]);
    expect(rows).toEqual([
      ['1', 'MDC_DEV_MON_PHYSIO_MULTI_PARAM_MDS', '1', 'X'],
      ['2', 'MDC_DEV_ECG_VMD', '1.1', 'X'],
      ['3', 'MDC_DEV_ECG_CHAN', '1.1.1', 'X'],
      ['4', 'MDC_ECG_HEART_RATE', '1.1.1.1', 'R'],
      ['5', 'MDC_DEV_METER_PRESS_BLD_VMD', '1.2', 'X'],
      ['6', 'MDC_DEV_PRESS_BLD_NONINV_CHAN', '1.2.1', 'X'],
      ['7', 'MDC_PRESS_BLD_NONINV_SYS', '1.2.1.1', 'R'],
      ['8', 'MDC_PRESS_BLD_NONINV_DIA', '1.2.1.2', 'R'],
      ['9', 'MDC_DEV_METER_TEMP_VMD', '1.3', 'X'],
      ['10', 'MDC_DEV_METER_TEMP_CHAN', '1.3.1', 'X'],
      ['11', 'MDC_TEMP_BODY', '1.3.1.1', 'R'],
      ['12', 'MDC_DEV_MON_PHYSIO_MULTI_PARAM_MDS', '2', 'X'],
      ['13', 'MDC_DEV_ANALY_SAT_O2_VMD', '2.1', 'X'],
      ['14', 'MDC_DEV_ANALY_SAT_O2_CHAN', '2.1.1', 'X'],
      ['15', 'MDC_PULS_OXIM_SAT_O2', '2.1.1.1', 'R'],
      ['16', 'MDC_PULS_OXIM_PULS_RATE', '2.1.1.2', 'R'],
    ]);
    expect(obx[0]!.getField(3)).toBe('69965^MDC_DEV_MON_PHYSIO_MULTI_PARAM_MDS^MDC');
  });

  it('sends each metric as NM with its MDC code, UCUM unit, time and device (OBX-18)', () => {
    const spo2 = obx.find((s) => s.getComponent(3, 2) === 'MDC_PULS_OXIM_SAT_O2')!;
    expect(spo2.getField(2)).toBe('NM');
    expect(spo2.getField(3)).toBe('150456^MDC_PULS_OXIM_SAT_O2^MDC');
    // The last value of the period, not the first or the largest.
    expect(spo2.getField(5)).toBe('97');
    expect(spo2.getField(6)).toBe('%^%^UCUM');
    expect(spo2.getField(14)).toBe('20260304101558+0000');
    expect(spo2.getField(18)).toBe('dev-1^ws-icu');
    const hr = obx.find((s) => s.getComponent(3, 2) === 'MDC_ECG_HEART_RATE')!;
    expect(hr.getField(3)).toBe('147842^MDC_ECG_HEART_RATE^MDC');
    expect(hr.getField(5)).toBe('72');
    expect(hr.getField(6)).toBe('/min^/min^UCUM');
    expect(hr.getField(18)).toBe(`${EUI}^^${EUI}^EUI-64`);
    const temp = obx.find((s) => s.getComponent(3, 2) === 'MDC_TEMP_BODY')!;
    expect(temp.getField(5)).toBe('36.8');
    expect(temp.getField(6)).toBe('Cel^Cel^UCUM');
    const sys = obx.find((s) => s.getComponent(3, 2) === 'MDC_PRESS_BLD_NONINV_SYS')!;
    expect(sys.getField(6)).toBe('mm[Hg]^mm[Hg]^UCUM');
  });

  it('leaves out a value the workstation computed when a device reported the same quantity', () => {
    expect(obx.filter((s) => s.getComponent(3, 2) === 'MDC_ECG_HEART_RATE')).toHaveLength(1);
    expect(text).not.toContain('workstation:dev-1');
    const alone = periodValues([n({ code: 'MDC_ECG_HEART_RATE', value: 80, computed: true })]);
    expect(alone).toHaveLength(1);
  });

  it('writes a bed without a patient with an empty PID, and a patient without MRN by id (PI)', () => {
    const empty = parse(buildPcd01({ ...PERIOD, patient: null }, ENVELOPE)!);
    expect(empty.getSegment('PID').getField(3)).toBe('');
    const noMrn = parse(
      buildPcd01({ ...PERIOD, patient: { ...PERIOD.patient!, mrn: null } }, ENVELOPE)!,
    );
    expect(noMrn.getSegment('PID').getField(3)).toBe(
      '018f0000-0000-7000-8000-000000000001^^^ws-icu^PI',
    );
  });

  it('escapes what a name or a bed label holds', () => {
    const odd = buildPcd01(
      { ...PERIOD, bedLabel: 'Bed 3|A', patient: { ...PERIOD.patient!, familyName: 'O^Hara' } },
      ENVELOPE,
    )!;
    const msgOdd = parse(odd);
    expect(msgOdd.getSegment('PV1').getField(3)).toBe('ICU 2^^Bed 3\\F\\A');
    expect(msgOdd.getSegment('PID').getComponent(5, 1)).toBe('O\\S\\Hara');
  });

  it('makes no message for a period with nothing PCD-01 carries', () => {
    expect(buildPcd01({ ...PERIOD, numerics: [n({ code: 'NEWS2', value: 2 })] }, ENVELOPE)).toBe(
      null,
    );
  });

  it('writes numbers as HL7 NM and device ids as EUI-64 only when they are one', () => {
    expect(nmText(0.1 + 0.2)).toBe('0.3');
    expect(nmText(1e-7)).toBe('0');
    expect(nmText(-3.25)).toBe('-3.25');
    expect(equipmentId('00:12:a1:ff:fe:3b:4c:5d', 'ws')).toEqual([EUI, null, EUI, 'EUI-64']);
    expect(equipmentId('cms50-usb-1', 'ws')).toEqual(['cms50-usb-1', 'ws']);
  });
});

describe('ACM ORU^R40', () => {
  const alarm: AlarmEventRow = {
    id: '018f0000-0000-7000-8000-00000000a001',
    workstationId: 'ws-icu',
    bedId: 'bed-3',
    alarmId: 'alarm-42',
    event: 'raised',
    kind: 'physiological',
    priority: 'high',
    code: 'SPO2_LOW',
    message: 'SpO₂ 85 < 90',
    value: 85,
    limitValue: 90,
    actor: 'dev-1',
    atMs: T0 + 5_000,
  };

  it('reports an alarm with its type, source, phase, state, inactivation, priority and kind', () => {
    const msg = parse(buildPcd04(alarm, PERIOD, ENVELOPE)!);
    expect(msh(msg, 9)).toBe('ORU^R40^ORU_R40');
    expect(msh(msg, 21)).toBe('IHE_PCD_ACM_001^IHE PCD^1.3.6.1.4.1.19376.1.6.4.4^ISO');
    expect(msg.getSegment('PID').getComponent(3, 1)).toBe('TEST-0001');
    const obr = msg.getSegment('OBR');
    expect(obr.getField(3)).toBe('alarm-42^ws-icu');
    expect(obr.getField(4)).toBe('196616^MDC_EVT_ALARM^MDC');
    expect(obr.getField(7)).toBe('20260304101505+0000');
    const rows = msg.getSegments('OBX');
    expect(rows.map((s) => [s.getComponent(3, 2), s.getField(4), s.getField(5)])).toEqual([
      ['MDC_EVT_ALARM', '1.0.0.0.1', '196670^MDC_EVT_LO^MDC^SPO2_LOW^SpO₂ 85 < 90^L'],
      ['MDC_PULS_OXIM_SAT_O2', '1.0.0.0.2', '85'],
      ['MDC_ATTR_EVENT_PHASE', '1.0.0.0.3', 'start'],
      ['MDC_ATTR_ALARM_STATE', '1.0.0.0.4', 'active'],
      ['MDC_ATTR_ALARM_INACTIVATION_STATE', '1.0.0.0.5', 'enabled'],
      ['MDC_ATTR_ALARM_PRIORITY', '1.0.0.0.6', 'PH'],
      ['MDC_ATTR_ALERT_TYPE', '1.0.0.0.7', 'SP'],
    ]);
    expect(rows[0]!.getField(8)).toBe('PH~SP~L');
    expect(rows[1]!.getField(6)).toBe('%^%^UCUM');
    expect(rows[1]!.getField(7)).toBe('>90');
    expect(rows.every((s) => s.getField(11) === 'F')).toBe(true);
    expect(rows[0]!.getField(18)).toBe('dev-1^ws-icu');
  });

  it('follows the alarm through acknowledged and ended; a technical one names its source', () => {
    const ack = parse(buildPcd04({ ...alarm, event: 'acknowledged' }, PERIOD, ENVELOPE)!);
    expect(
      ack
        .getSegments('OBX')
        .map((s) => s.getField(5))
        .slice(2, 5),
    ).toEqual(['continue', 'active', 'alert-acknowledged']);
    const ended = parse(buildPcd04({ ...alarm, event: 'ended' }, PERIOD, ENVELOPE)!);
    expect(
      ended
        .getSegments('OBX')
        .map((s) => s.getField(5))
        .slice(2, 4),
    ).toEqual(['end', 'inactive']);
    expect(ended.getSegment('OBR').getField(8)).toBe('20260304101505+0000');
    const lead = parse(
      buildPcd04(
        { ...alarm, kind: 'technical', priority: 'low', code: 'SIGNAL_ECG', value: null },
        PERIOD,
        ENVELOPE,
      )!,
    );
    const rows = lead.getSegments('OBX');
    expect(rows[0]!.getComponent(5, 2)).toBe('MDC_EVT_ALARM');
    expect(rows[0]!.getField(8)).toBe('PL~ST');
    expect(rows[1]!.getField(3)).toBe('68480^MDC_ATTR_ALERT_SOURCE^MDC');
    expect(rows[1]!.getField(5)).toBe('dev-1');
  });

  it('reports no change ACM does not carry (a reminder, a bed setting)', () => {
    expect(buildPcd04({ ...alarm, event: 'reminded' }, PERIOD, ENVELOPE)).toBeNull();
    expect(buildPcd04({ ...alarm, event: 'audio-paused' }, PERIOD, ENVELOPE)).toBeNull();
  });
});
