import { describe, expect, it } from 'vitest';
import { actorName } from './alarm-log-actor';

describe("the alarm log's By column (issue 12, item 17)", () => {
  it('names a device "device", never by its port path', () => {
    expect(actorName('healthypi5@/tmp/ws-demo/bed-1/hp5')).toBe('device');
    expect(actorName('cms50-v7@COM3')).toBe('device');
    expect(actorName('workstation:intellivue-mib@/dev/ttyUSB0')).toBe('device');
  });

  it('names a person as the host knows them, and the alarm system as the workstation', () => {
    expect(actorName('nurse.test')).toBe('nurse.test');
    expect(actorName('desktop-user')).toBe('desktop-user');
    expect(actorName('workstation')).toBe('workstation');
  });
});
