import { describe, expect, it } from 'vitest';
import { requests, streams } from '../api/contract';
import {
  MONITORING_ONLY,
  Permission,
  REQUEST_PERMISSION,
  requiredPermission,
  Role,
  ROLE_PERMISSIONS,
  STREAM_PERMISSION,
} from './access';

describe('the access table', () => {
  it('names a permission for every request and stream of the contract, and nothing else', () => {
    expect(Object.keys(REQUEST_PERMISSION).sort()).toEqual(Object.keys(requests).sort());
    expect(Object.keys(STREAM_PERMISSION).sort()).toEqual(Object.keys(streams).sort());
  });

  it('gives every permission to some role, and watching and the audio pause to every one', () => {
    for (const permission of Permission.options) {
      expect(Role.options.some((role) => ROLE_PERMISSIONS[role].includes(permission))).toBe(true);
    }
    for (const role of Role.options) expect(ROLE_PERMISSIONS[role]).toContain('monitor');
  });

  it('lets a locked screen watch and pause audio, and nothing else', () => {
    expect([...MONITORING_ONLY].sort()).toEqual(['monitor', 'pause-audio']);
    const monitoring = Object.entries(REQUEST_PERMISSION).filter(([, p]) => p === 'monitor');
    // Nothing that changes or shows history is open to a locked screen.
    for (const [name] of monitoring) {
      expect(name).not.toMatch(
        /^(admit|discharge|transfer|acknowledge|set(Alarm|Account)|export|get(Trend|Waveform|Strip|AlarmLog))/,
      );
    }
  });

  it('pauses audio with the pause permission, and switches it off only with alarm settings', () => {
    expect(requiredPermission('setAlarmAudio', { bedId: 'b', mode: 'paused' })).toBe('pause-audio');
    expect(requiredPermission('setAlarmAudio', { bedId: 'b', mode: 'off' })).toBe('alarm-settings');
    expect(requiredPermission('setAlarmAudio', { bedId: 'b', mode: 'on' })).toBe('alarm-settings');
  });
});
