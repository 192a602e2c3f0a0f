import { describe, expect, it } from 'vitest';
import { encodeReports, readingCommand, type BpReading } from '../drivers/omron-hem790it';
import { OmronHem790itSimulator, encodeReadingRecord } from './omron-hem790it';

const hex = (text: string) => Uint8Array.from(text.split(' '), (b) => parseInt(b, 16));
const EXAMPLE: BpReading = {
  takenAt: '2007-01-03T00:06:51',
  systolic: 112,
  diastolic: 75,
  pulse: 71,
};

async function awake(readings: BpReading[] = [EXAMPLE]) {
  const device = new OmronHem790itSimulator({ readings });
  await device.sendFeatureReport(hex('74 BC'));
  await device.write(hex('07 00 00 00 00 00 00 00'));
  await device.write(hex('05 00 00 00 00 00 00 00'));
  expect(await device.read(100)).toEqual(hex('02 4F 4B 00 00 00 00 00'));
  return device;
}

async function drain(device: OmronHem790itSimulator) {
  const reports: Uint8Array[] = [];
  for (let r = await device.read(0); r; r = await device.read(0)) reports.push(r);
  return reports;
}

describe('OmronHem790itSimulator', () => {
  it('answers GME bank 0 index 0 with the worked example reports byte for byte', async () => {
    const device = await awake();
    for (const report of encodeReports(readingCommand(0, 0))) await device.write(report);
    expect(await drain(device)).toEqual([
      hex('07 4F 4B 00 07 01 03 00'),
      hex('07 06 33 00 00 70 4B 47'),
      hex('03 00 00 4C 00 00 00 00'),
    ]);
  });

  it('encodes the example record with its XOR', () => {
    expect(encodeReadingRecord(EXAMPLE)).toEqual(hex('07 01 03 00 06 33 00 00 70 4B 47 00 00 4C'));
  });

  it('answers VER00 like the libomron example, GDC with the count, END with OFF', async () => {
    const device = await awake([EXAMPLE, EXAMPLE]);
    await device.write(hex('05 56 45 52 30 30 00 00'));
    expect(await drain(device)).toEqual([
      hex('07 4F 4B 00 4D 37 30 38'),
      hex('07 30 49 54 20 32 30 37'),
      hex('01 4A 00 00 00 00 00 00'),
    ]);
    await device.write(hex('07 47 44 43 00 00 00 00'));
    await device.write(hex('01 00 00 00 00 00 00 00'));
    expect(await drain(device)).toEqual([
      hex('07 4F 4B 00 00 00 00 02'),
      hex('01 02 00 00 00 00 00 00'),
    ]);
    await device.write(hex('05 45 4E 44 FF FF 00 00'));
    expect(await drain(device)).toEqual([hex('05 4F 46 46 0D 0A 00 00')]);
  });

  it('answers NO once when told to, before waking, for a bad XOR and for a missing index', async () => {
    const asleep = new OmronHem790itSimulator({ readings: [EXAMPLE] });
    await asleep.write(hex('05 56 45 52 30 30 00 00'));
    expect(await drain(asleep)).toEqual([hex('02 4E 4F 00 00 00 00 00')]);

    const device = await awake();
    device.answerNoOnce('GME');
    const gme = encodeReports(readingCommand(0, 0));
    for (const report of gme) await device.write(report);
    expect(await drain(device)).toEqual([hex('02 4E 4F 00 00 00 00 00')]);
    for (const report of gme) await device.write(report);
    expect(await drain(device)).toHaveLength(3);

    await device.write(hex('07 47 4D 45 00 00 00 00'));
    await device.write(hex('01 01 00 00 00 00 00 00')); // XOR should be 00
    expect(await drain(device)).toEqual([hex('02 4E 4F 00 00 00 00 00')]);
    for (const report of encodeReports(readingCommand(0, 5))) await device.write(report);
    expect(await drain(device)).toEqual([hex('02 4E 4F 00 00 00 00 00')]);
  });

  it('does not wake without a mode select and stays quiet when silenced', async () => {
    const device = new OmronHem790itSimulator();
    await device.write(hex('07 00 00 00 00 00 00 00'));
    await device.write(hex('05 00 00 00 00 00 00 00'));
    expect(await device.read(10)).toBeNull();
    device.setSilent(true);
    await device.sendFeatureReport(hex('74 BC'));
    await device.write(hex('07 00 00 00 00 00 00 00'));
    await device.write(hex('05 00 00 00 00 00 00 00'));
    expect(await device.read(10)).toBeNull();
    expect(device.awake).toBe(true);
  });
});
