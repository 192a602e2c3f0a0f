// One bed as a bedside monitor shows it: header (bed, devices, clock), alarms on top, waveforms
// on the left, numerics on the right. Everything comes from the bed's bedLive stream.
import { useCallback, useState, type ReactNode } from 'react';
import type { WorkstationClient } from '../../../shared/api/client';
import type { Alarm } from '../../../shared/model/schemas';
import { bedsideNumerics } from '../clinical/shown-numerics';
import { AlarmBar } from '../components/AlarmBar';
import { AlarmControls } from '../components/alarms/AlarmControls';
import { AlarmLog } from '../components/alarms/AlarmLog';
import { LimitsEditor } from '../components/alarms/LimitsEditor';
import { useAlarmSound } from '../components/alarms/useAlarmSound';
import { DevicePanel } from '../components/DevicePanel';
import { DeviceState } from '../components/DeviceState';
import { PatientBadge } from '../components/patients/PatientBadge';
import { HospitalDifference } from '../components/patients/HospitalDifference';
import { useHospitalList } from '../components/patients/use-hospital-list';
import { StethoscopePanel } from '../components/stethoscope/StethoscopePanel';
import { StripsPanel } from '../components/strips/StripsPanel';
import { BedWaveforms } from '../components/BedWaveforms';
import { strings } from '../strings';
import { useBedLive } from './use-bed-live';
import { BedNumerics } from '../components/BedNumerics';
import { useActsOnBeds } from '../api/host-origin';
import { News2Panel } from '../components/news2/News2Panel';
import { News2Tile } from '../components/news2/News2Tile';
import { news2AlarmOff, news2AlarmPriority } from '../clinical/shown-numerics';
import { InviteRemoteClinician } from '../components/telehealth/InviteRemoteClinician';
import { RemoteConsultStrip } from '../components/telehealth/RemoteConsultStrip';
import { useRemoteConsults } from '../components/telehealth/use-remote-consults';

export interface BedsideProps {
  client: WorkstationClient;
  bedId: string;
  /** Shown in the header, e.g. a bed chooser when the workstation has several beds. */
  headerExtra?: ReactNode;
  /** What the workstation says about its data store (recovered, kept aside): shown until closed. */
  notices?: readonly string[];
}

export function Bedside({ client, bedId, headerExtra, notices = [] }: BedsideProps) {
  const { state, feeds, isCurrent } = useBedLive(client, bedId);
  // On the hospital central station the bed is watched, never acted on: no control that acts.
  const actsOnBeds = useActsOnBeds();
  const [showDevices, setShowDevices] = useState(false);
  const [showStethoscope, setShowStethoscope] = useState(false);
  const [showLimits, setShowLimits] = useState(false);
  const [showLog, setShowLog] = useState(false);
  const [showStrips, setShowStrips] = useState(false);
  const [showNews2, setShowNews2] = useState(false);
  const acknowledge = useCallback(
    (alarm: Alarm) => client.request('acknowledgeAlarm', { bedId, alarmId: alarm.id }),
    [client, bedId],
  );

  const { bed, devices, channels, numerics, alarms, streamProblem, news2 } = state;
  const { alarmAudio, alarmsOff, alarmSettings } = state;
  useAlarmSound(alarmAudio);
  // Telehealth acts on the bed: at a workstation only.
  const remote = useRemoteConsults(client, bedId, actsOnBeds);
  // The hospital's record of this bed's patient, when it differs (a workstation's own list only).
  const hospitalList = useHospitalList(client, actsOnBeds);
  const difference = hospitalList?.matches.find(
    (m) => m.bedId === bedId && m.state === 'differs' && m.patientId === bed?.patient?.id,
  );
  return (
    <div className="bedside" data-testid="bedside" data-bed-id={bedId}>
      <header className="bedside__header">
        <h1 className="bedside__bed">{bed?.label ?? bedId}</h1>
        <PatientBadge patient={bed?.patient} />
        {headerExtra}
        <div className="bedside__devices" aria-label={strings.deviceRegion} role="group">
          {devices.length === 0 && bed && (
            <span className="bedside__muted">{strings.noDevices}</span>
          )}
          {devices.map((device) => (
            <DeviceState key={device.id} device={device} />
          ))}
        </div>
        {actsOnBeds && (
          <>
            <button
              type="button"
              className="button"
              aria-expanded={showDevices}
              onClick={() => setShowDevices((shown) => !shown)}
              data-testid="manage-devices"
            >
              {showDevices ? strings.closeDevices : strings.manageDevices}
            </button>
            <button
              type="button"
              className="button"
              aria-pressed={showStethoscope}
              onClick={() => setShowStethoscope((shown) => !shown)}
              data-testid="open-stethoscope"
            >
              {strings.stethoscope.open}
            </button>
            <button
              type="button"
              className="button"
              aria-pressed={showLimits}
              onClick={() => setShowLimits((shown) => !shown)}
              data-testid="open-limits"
            >
              {showLimits ? strings.limitsEditor.close : strings.limitsEditor.open}
            </button>
            <InviteRemoteClinician
              client={client}
              bedId={bedId}
              bedLabel={bed?.label ?? bedId}
              patient={bed ? bed.patient : undefined}
              consults={remote.consults}
            />
          </>
        )}
        <button
          type="button"
          className="button"
          aria-pressed={showLog}
          onClick={() => setShowLog((shown) => !shown)}
          data-testid="open-alarm-log"
        >
          {showLog ? strings.alarmLog.close : strings.alarmLog.open}
        </button>
        <button
          type="button"
          className="button"
          aria-pressed={showNews2}
          onClick={() => setShowNews2((shown) => !shown)}
          data-testid="open-news2"
        >
          {showNews2 ? strings.news2.close : strings.news2.open}
        </button>
        {actsOnBeds && (
          <button
            type="button"
            className="button"
            aria-pressed={showStrips}
            onClick={() => setShowStrips((shown) => !shown)}
            data-testid="open-strips"
          >
            {showStrips ? strings.strips.close : strings.strips.open}
          </button>
        )}
      </header>
      {notices.map((notice) => (
        <p key={notice} className="bedside__problem" role="alert" data-testid="store-notice">
          {notice}
        </p>
      ))}
      {streamProblem && (
        <p className="bedside__problem" role="alert" data-testid="connection-problem">
          {streamProblem}
        </p>
      )}
      <AlarmBar
        alarms={alarms}
        {...(actsOnBeds ? { onAcknowledge: acknowledge } : {})}
        audio={alarmAudio}
        monitored={bed === null || bed.deviceIds.length > 0}
      />
      {actsOnBeds ? (
        <AlarmControls client={client} bedId={bedId} audio={alarmAudio} alarmsOff={alarmsOff} />
      ) : (
        <p className="bedside__muted" data-testid="at-the-bed">
          {strings.central.atTheBed}
        </p>
      )}
      {actsOnBeds && <RemoteConsultStrip client={client} bedId={bedId} remote={remote} />}
      {difference && (
        <HospitalDifference
          key={`${difference.patientId}/${difference.hospital?.seq}`}
          client={client}
          match={difference}
          compact
        />
      )}
      {bed === null ? (
        <p className="bedside__waiting" role="status">
          {strings.waitingForBed}
        </p>
      ) : (
        <main className="bedside__body">
          <div className="bedside__left">
            <BedWaveforms channels={channels} feeds={feeds} />
            {(showDevices ||
              showStethoscope ||
              showLimits ||
              showLog ||
              showStrips ||
              showNews2) && (
              // Over the waveforms only: the alarms and the numerics stay in view.
              <div className="bedside__sheet">
                {showDevices && (
                  <DevicePanel client={client} bedLabel={bed.label} devices={devices} />
                )}
                {showStethoscope && <StethoscopePanel client={client} bedId={bedId} />}
                {showLimits && alarmSettings && (
                  <LimitsEditor
                    client={client}
                    bedId={bedId}
                    settings={alarmSettings}
                    alarmsOff={alarmsOff}
                  />
                )}
                {showLog && <AlarmLog client={client} bedId={bedId} refreshKey={alarms} />}
                {showStrips && <StripsPanel client={client} bedId={bedId} bedLabel={bed.label} />}
                {showNews2 && (
                  <News2Panel
                    client={client}
                    bedId={bedId}
                    news2={news2}
                    hasPatient={bed.patient !== null}
                    actsOnBeds={actsOnBeds}
                    alarmOff={news2AlarmOff(alarmsOff)}
                  />
                )}
              </div>
            )}
          </div>
          <section className="bedside__numerics" aria-label={strings.numericsRegion}>
            <BedNumerics
              parameters={bedsideNumerics(numerics)}
              numerics={numerics}
              alarms={alarms}
              alarmsOff={alarmsOff}
              isCurrent={isCurrent}
              limits={alarmSettings?.limits}
            />
            <News2Tile
              news2={news2}
              alarmPriority={news2AlarmPriority(alarms)}
              alarmOff={news2AlarmOff(alarmsOff)}
              onOpen={() => setShowNews2(true)}
            />
          </section>
        </main>
      )}
    </div>
  );
}
