// A tile's line of states that silence or blind its alarms, each in words with its symbol: audio
// off, audio paused (counting down), alarms off for named parameters, not monitored.
import { memo } from 'react';
import type { BedState } from '../../clinical/bed-states';
import { useNow } from '../../hooks/use-now';
import { strings } from '../../strings';
import { StateIcon, type StateIconName } from '../StateIcon';

const ICON: Record<BedState['kind'], StateIconName> = {
  'not-monitored': 'unplugged',
  'audio-off': 'audio-off',
  'audio-paused': 'audio-paused',
  'alarms-off': 'bell-off',
};

export const TileStates = memo(function TileStates({ states }: { states: readonly BedState[] }) {
  if (states.length === 0) return null;
  return (
    <ul
      className="tile__states"
      aria-label={strings.central.statesRegion}
      data-testid="tile-states"
    >
      {states.map((state) => (
        <li key={state.kind} className="tile__state" data-state-kind={state.kind}>
          <StateIcon name={ICON[state.kind]} />
          <StateWords state={state} />
        </li>
      ))}
    </ul>
  );
});

function StateWords({ state }: { state: BedState }) {
  switch (state.kind) {
    case 'not-monitored':
      return <>{strings.central.notMonitored}</>;
    case 'audio-off':
      return <>{strings.central.audioOff}</>;
    case 'audio-paused':
      return <PausedCountdown until={state.until ?? null} />;
    case 'alarms-off':
      return (
        <>
          {strings.central.alarmsOff(
            (state.parameters ?? []).map((p) => strings.alarmParameter[p]).join(', '),
          )}
        </>
      );
  }
}

/** Only a paused tile follows the clock. */
function PausedCountdown({ until }: { until: number | null }) {
  const now = useNow(1000);
  return <>{strings.central.audioPaused(strings.countdown(until === null ? 0 : until - now))}</>;
}
