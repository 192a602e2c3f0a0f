// One bed on the central station: bed and patient, an ECG sweep (pleth where there is no ECG),
// the key numerics, and the bed's most urgent alarm in its priority colour, flashing while it
// sounds. What silences or blinds the bed's alarms (audio off or paused, alarms off, no device) is
// said in words with a symbol; a trace that stops says "No signal" as the bedside does. One click
// (or Enter) opens the bed. The tile follows the bed's own live stream.
import { memo, useEffect } from 'react';
import type { WorkstationClient } from '../../../../shared/api/client';
import type { Alarm, Bed } from '../../../../shared/model/schemas';
import type { AlarmAudio } from '../../../../shared/model/alarms';
import { waveformColour } from '../../clinical/parameters';
import { primaryWaveform } from '../../../../shared/model/waveforms';
import { sortByUrgency } from '../../clinical/alarm-urgency';
import { tilePriority } from '../../clinical/central-layout';
import { bedStates } from '../../clinical/bed-states';
import { tileNumerics } from '../../clinical/shown-numerics';
import { navigate, routeHref } from '../../navigation';
import { strings } from '../../strings';
import { useBedLive } from '../../views/use-bed-live';
import { SweepTrace } from '../waveform/SweepTrace';
import { useFeedLiveness } from '../waveform/use-feed-liveness';
import type { WaveformFeed } from '../waveform/waveform-feed';
import { BedNumerics } from '../BedNumerics';
import { StateIcon } from '../StateIcon';
import { TileStates } from './TileStates';
import { News2Tile } from '../news2/News2Tile';
import { news2AlarmOff, news2AlarmPriority } from '../../clinical/shown-numerics';

export interface BedTileProps {
  client: WorkstationClient;
  bed: Bed;
  /**
   * The tile's alarms and audio changed: the station ranks beds and sounds the most urgent. And
   * whether the bed's workstation is offline (a hospital central station's bed).
   */
  onAlarms: (bedId: string, alarms: readonly Alarm[], audio: AlarmAudio, offline: boolean) => void;
}

export const BedTile = memo(function BedTile({ client, bed: listed, onAlarms }: BedTileProps) {
  const bedId = listed.id;
  const { state, feeds, isCurrent } = useBedLive(client, bedId, 'primary');
  const { bed, channels, numerics, alarms, alarmAudio, alarmsOff, streamProblem, news2 } = state;

  // The trace a tile draws: the first ECG, else whatever comes first in monitor order.
  const channel = primaryWaveform(channels);
  const feed = channel ? feeds.ensure(channel.deviceId, channel.refId, channel.rateHz) : null;
  const ordered = sortByUrgency(alarms);
  const top = ordered[0] ?? null;
  const patient = (bed ?? listed).patient;
  const label = (bed ?? listed).label;
  const monitored = (bed ?? listed).deviceIds.length > 0;
  const states = bedStates({
    deviceCount: (bed ?? listed).deviceIds.length,
    audio: alarmAudio,
    alarmsOff,
  });
  const alarmLine = streamProblem !== null || top !== null;
  // A hospital central station's bed whose workstation is gone: said, and no trace moves.
  const offline = (bed ?? listed).offline ?? null;
  const isOffline = offline !== null;
  useEffect(
    () => onAlarms(bedId, alarms, alarmAudio, isOffline),
    [onAlarms, bedId, alarms, alarmAudio, isOffline],
  );
  const href = routeHref({ view: 'bed', bedId });

  return (
    <article
      className="tile"
      data-bed-id={bedId}
      data-priority={tilePriority(top)}
      data-state={top?.state ?? 'none'}
      data-kind={top?.kind ?? 'none'}
      data-monitored={monitored}
      data-audio={alarmAudio.mode}
      data-offline={offline !== null}
      aria-label={label}
      onClick={(event) => {
        // A click anywhere on the tile opens the bed, as one click on a central station does.
        if (!(event.target as HTMLElement).closest('a')) navigate({ view: 'bed', bedId });
      }}
    >
      <header className="tile__header">
        <a
          className="tile__bed"
          href={href}
          data-testid="open-bed"
          title={strings.central.open(label)}
        >
          {label}
        </a>
        <span className="tile__patient" data-testid="tile-patient">
          {patient
            ? strings.central.patient(patient.familyName, patient.givenName)
            : strings.central.emptyBed}
        </span>
        <News2Tile
          news2={news2}
          alarmPriority={news2AlarmPriority(alarms)}
          alarmOff={news2AlarmOff(alarmsOff)}
          compact
        />
      </header>
      <p
        className="tile__alarm"
        data-testid="tile-alarm"
        role={top?.state === 'active' ? 'alert' : undefined}
      >
        {streamProblem ??
          (top ? (
            `${top.message}${top.state === 'acknowledged' ? ` (${strings.central.acknowledged})` : ''}` +
            (ordered.length > 1 ? ` · ${strings.central.alarmCount(ordered.length)}` : '')
          ) : monitored ? (
            strings.central.noAlarms
          ) : (
            <span className="tile__not-monitored">
              <StateIcon name="unplugged" />
              {strings.central.notMonitored}
            </span>
          ))}
      </p>
      <TileStates states={alarmLine ? states : states.filter((s) => s.kind !== 'not-monitored')} />
      <div className="tile__body">
        {offline ? (
          <p className="tile__no-trace tile__offline" data-testid="tile-offline">
            <StateIcon name="unplugged" />
            {strings.central.offlineTrace}
          </p>
        ) : feed && channel ? (
          <TileTrace feed={feed} color={waveformColour(channel.refId)} />
        ) : (
          <p className="tile__no-trace">{strings.central.noWaveform}</p>
        )}
        <div className="tile__numerics">
          <BedNumerics
            parameters={tileNumerics(numerics, alarms)}
            numerics={numerics}
            alarms={alarms}
            alarmsOff={alarmsOff}
            isCurrent={isCurrent}
            compact
          />
        </div>
      </div>
    </article>
  );
});

/** The tile's sweep; it stops looking live, and says so, within 2 s of its data stopping. */
const TileTrace = memo(function TileTrace({ feed, color }: { feed: WaveformFeed; color: string }) {
  const live = useFeedLiveness(feed);
  return (
    <div
      className={live ? 'tile__trace-box' : 'tile__trace-box tile__trace-box--no-signal'}
      data-testid="tile-trace"
      data-live={live}
    >
      <SweepTrace className="tile__trace" feed={feed} color={color} />
      {!live && (
        <p className="tile__no-signal" role="status">
          {strings.noSignal}
        </p>
      )}
    </div>
  );
});
