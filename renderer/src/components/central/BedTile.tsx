// One bed on the central station: bed and patient, an ECG sweep (pleth where there is no ECG),
// the key numerics, and the bed's most urgent alarm in its priority colour, flashing while it
// sounds. One click (or Enter) opens the bed. The tile follows the bed's own live stream.
import { memo, useEffect } from 'react';
import type { WorkstationClient } from '../../../../shared/api/client';
import type { Alarm, Bed, WaveformChannel } from '../../../../shared/model/schemas';
import type { AlarmAudio } from '../../../../shared/model/alarms';
import { BEDSIDE_NUMERICS, orderWaveforms, waveformColour } from '../../clinical/parameters';
import { sortByUrgency } from '../../clinical/alarm-urgency';
import { tilePriority } from '../../clinical/central-layout';
import { navigate, routeHref } from '../../navigation';
import { strings } from '../../strings';
import { useBedLive } from '../../views/use-bed-live';
import { SweepTrace } from '../waveform/SweepTrace';
import { BedNumerics } from '../BedNumerics';

export interface BedTileProps {
  client: WorkstationClient;
  bed: Bed;
  /** The tile's alarms and audio changed: the station ranks beds and sounds the most urgent. */
  onAlarms: (bedId: string, alarms: readonly Alarm[], audio: AlarmAudio) => void;
}

/** The trace a tile draws: the first ECG, else whatever comes first in monitor order. */
const firstWaveform = (channels: WaveformChannel[]) => orderWaveforms(channels).slice(0, 1);

/** HR (or PR), SpO₂, RR: what a tile has room for; NIBP joins when the bed has one. */
const TILE_NUMERICS = BEDSIDE_NUMERICS.slice(0, 3);

export const BedTile = memo(function BedTile({ client, bed: listed, onAlarms }: BedTileProps) {
  const bedId = listed.id;
  const { state, feeds, isCurrent } = useBedLive(client, bedId, firstWaveform);
  const { bed, channels, numerics, alarms, alarmAudio, streamProblem } = state;
  useEffect(() => onAlarms(bedId, alarms, alarmAudio), [onAlarms, bedId, alarms, alarmAudio]);

  const channel = firstWaveform(channels)[0];
  const feed = channel ? feeds.ensure(channel.deviceId, channel.refId, channel.rateHz) : null;
  const ordered = sortByUrgency(alarms);
  const top = ordered[0] ?? null;
  const patient = (bed ?? listed).patient;
  const label = (bed ?? listed).label;
  const href = routeHref({ view: 'bed', bedId });

  return (
    <article
      className="tile"
      data-bed-id={bedId}
      data-priority={tilePriority(top)}
      data-state={top?.state ?? 'none'}
      data-kind={top?.kind ?? 'none'}
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
      </header>
      <p
        className="tile__alarm"
        data-testid="tile-alarm"
        role={top?.state === 'active' ? 'alert' : undefined}
      >
        {streamProblem ??
          (top
            ? `${top.message}${top.state === 'acknowledged' ? ` (${strings.central.acknowledged})` : ''}` +
              (ordered.length > 1 ? ` · ${strings.central.alarmCount(ordered.length)}` : '')
            : strings.central.noAlarms)}
      </p>
      <div className="tile__body">
        {feed && channel ? (
          <SweepTrace className="tile__trace" feed={feed} color={waveformColour(channel.refId)} />
        ) : (
          <p className="tile__no-trace">{strings.central.noWaveform}</p>
        )}
        <div className="tile__numerics">
          <BedNumerics
            parameters={TILE_NUMERICS}
            numerics={numerics}
            alarms={alarms}
            isCurrent={isCurrent}
          />
        </div>
      </div>
    </article>
  );
});
