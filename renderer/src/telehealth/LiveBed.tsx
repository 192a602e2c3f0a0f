// The invited bed live, as the bedside shows it but read-only: alarms on top, waveforms, numerics
// and the early warning score, from the same components. Nothing here acts on the bed (the
// server refuses it anyway): no acknowledge, limits, devices or admission.
import type { BedLive } from '../views/use-bed-live';
import { bedsideNumerics, news2AlarmOff, news2AlarmPriority } from '../clinical/shown-numerics';
import { AlarmBar } from '../components/AlarmBar';
import { BedNumerics } from '../components/BedNumerics';
import { DeviceState } from '../components/DeviceState';
import { BedViews } from '../components/NavBar';
import { News2Tile } from '../components/news2/News2Tile';
import { PatientBadge } from '../components/patients/PatientBadge';
import { BedWaveforms } from '../components/BedWaveforms';
import { strings } from '../strings';
import { telehealthStrings as t } from './strings';

export function LiveBed({
  bedId,
  bedLabel,
  live,
}: {
  bedId: string;
  bedLabel: string;
  live: BedLive;
}) {
  const { state, feeds, isCurrent } = live;
  const { bed, devices, channels, numerics, alarms, alarmAudio, alarmsOff, alarmSettings } = state;
  return (
    <div className="bedside telehealth-live" data-testid="telehealth-live" data-bed-id={bedId}>
      <header className="bedside__header">
        <h1 className="bedside__bed">{bed?.label ?? bedLabel}</h1>
        <PatientBadge patient={bed?.patient} />
        <BedViews bedId={bedId} current="bed" />
        <div className="bedside__devices" aria-label={strings.deviceRegion} role="group">
          {devices.length === 0 && bed && (
            <span className="bedside__muted">{strings.noDevices}</span>
          )}
          {devices.map((device) => (
            <DeviceState key={device.id} device={device} />
          ))}
        </div>
      </header>
      <AlarmBar
        alarms={alarms}
        audio={alarmAudio}
        monitored={bed === null || bed.deviceIds.length > 0}
      />
      <p className="bedside__muted telehealth-live__read-only">{t.readOnly}</p>
      {bed === null ? (
        <p className="bedside__waiting" role="status">
          {t.waitingForBed}
        </p>
      ) : (
        <main className="bedside__body telehealth-live__body">
          <BedWaveforms
            channels={channels}
            feeds={feeds}
            className="bedside__waveforms telehealth-live__waveforms"
          />
          <section
            className="bedside__numerics telehealth-live__numerics"
            aria-label={strings.numericsRegion}
          >
            <BedNumerics
              parameters={bedsideNumerics(numerics)}
              numerics={numerics}
              alarms={alarms}
              alarmsOff={alarmsOff}
              isCurrent={isCurrent}
              limits={alarmSettings?.limits}
            />
            <News2Tile
              news2={state.news2}
              alarmPriority={news2AlarmPriority(alarms)}
              alarmOff={news2AlarmOff(alarmsOff)}
            />
          </section>
        </main>
      )}
    </div>
  );
}
