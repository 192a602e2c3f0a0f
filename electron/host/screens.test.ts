// The host's view of the open screens (issue 12, item 7), with a real alarm system: a bed whose
// alarm nobody can hear gets a technical alarm once no open screen can sound for the grace period.
import { describe, expect, it } from 'vitest';
import { AlarmSystem } from './alarms/alarm-system';
import { ADULT_DEFAULTS } from './alarms/limits';
import { NO_SCREEN_CAN_SOUND, NO_SOUND_GRACE_MS, Screens, hasAlarmToSound } from './screens';

const SPO2 = 'MDC_PULS_OXIM_SAT_O2';

/** A bed desaturating (SpO₂ 85 for 10 s): a medium alarm that should be sounding at `t` ms. */
function desaturatedBed(): AlarmSystem {
  let n = 0;
  const alarms = new AlarmSystem('bed-1', ADULT_DEFAULTS, () => `alarm-${++n}`);
  for (let s = 0; s <= 10; s++) alarms.observeNumeric(SPO2, 85, s * 1000, 'dev-1');
  return alarms;
}

const noSound = (alarms: AlarmSystem) =>
  alarms.list().find((a) => a.code === NO_SCREEN_CAN_SOUND.code);

describe('Screens', () => {
  it('counts open screens and those that can sound, and tells every screen', () => {
    const screens = new Screens(() => 0);
    const told: string[] = [];
    const closeA = screens.connect(false, (e) => told.push(`a ${e.open}/${e.canSound}`));
    const closeB = screens.connect(true, (e) => told.push(`b ${e.open}/${e.canSound}`));
    expect(screens.counts()).toEqual({ type: 'screens', open: 2, canSound: 1 });
    closeB();
    closeB(); // closing twice changes nothing
    expect(screens.counts()).toEqual({ type: 'screens', open: 1, canSound: 0 });
    closeA();
    expect(told).toEqual(['a 1/0', 'a 2/1', 'b 2/1', 'a 1/0']);
  });

  it('raises a technical alarm on an alarming bed once no screen can sound for the grace period', () => {
    let now = 11_000;
    const screens = new Screens(() => now);
    const alarms = desaturatedBed();
    expect(hasAlarmToSound(alarms)).toBe(true);

    // Before any screen opened, nobody is there to tell: not judged.
    screens.judge('bed-1', alarms, now + NO_SOUND_GRACE_MS);
    expect(noSound(alarms)).toBeUndefined();

    const close = screens.connect(false, () => {});
    screens.judge('bed-1', alarms, now + NO_SOUND_GRACE_MS - 1);
    expect(noSound(alarms)).toBeUndefined();
    now += NO_SOUND_GRACE_MS;
    screens.judge('bed-1', alarms, now);
    expect(noSound(alarms)).toMatchObject({
      kind: 'technical',
      priority: 'medium',
      message: NO_SCREEN_CAN_SOUND.message,
      state: 'active',
    });

    // A screen that can sound opens: the technical alarm ends.
    const closeSounding = screens.connect(true, () => {});
    now += 200;
    screens.judge('bed-1', alarms, now);
    expect(noSound(alarms)).toBeUndefined();

    // The last screen that could sound closes (a tab closed): after the grace period, again.
    closeSounding();
    screens.judge('bed-1', alarms, now + NO_SOUND_GRACE_MS - 1);
    expect(noSound(alarms)).toBeUndefined();
    now += NO_SOUND_GRACE_MS;
    screens.judge('bed-1', alarms, now);
    expect(noSound(alarms)).toBeDefined();
    close();
  });

  it('does not keep itself alive: it ends when the alarm it was about is acknowledged', () => {
    let now = 11_000;
    const screens = new Screens(() => now);
    const alarms = desaturatedBed();
    screens.connect(false, () => {});
    now += NO_SOUND_GRACE_MS;
    screens.judge('bed-1', alarms, now);
    expect(noSound(alarms)).toBeDefined();
    const desaturation = alarms.list().find((a) => a.code !== NO_SCREEN_CAN_SOUND.code)!;
    alarms.acknowledge(desaturation.id, 'nurse', now);
    screens.judge('bed-1', alarms, now + 200);
    expect(noSound(alarms)).toBeUndefined();
  });

  it('leaves a quiet bed, and a bed whose audio is paused, alone', () => {
    let now = 0;
    const screens = new Screens(() => now);
    screens.connect(false, () => {});
    now += NO_SOUND_GRACE_MS;
    const quiet = new AlarmSystem('bed-2', ADULT_DEFAULTS, () => 'x');
    screens.judge('bed-2', quiet, now);
    expect(quiet.list()).toEqual([]);
    const paused = desaturatedBed();
    paused.pauseAudio('nurse', 11_000);
    screens.judge('bed-1', paused, 11_000 + NO_SOUND_GRACE_MS);
    expect(noSound(paused)).toBeUndefined();
  });
});
