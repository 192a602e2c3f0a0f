// Assigning devices to a bed from the screen: the ports the system sees (with the drivers their
// USB ids suggest), a port typed by hand for adapters the system cannot name, and the bed's
// devices with a two-step disconnect so a slip of the finger never silences a monitor.
import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import type { WorkstationClient } from '../../../shared/api/client';
import type { DeviceStatus, DriverInfo, PortInfo } from '../../../shared/model/schemas';
import { strings } from '../strings';
import { reasonOf } from '../api/reason';
import type { RequestOutput } from '../../../shared/api/contract';
import { HeldReadings } from './HeldReadings';
import { bytesPerSecond } from './devices/device-rows';

export interface DevicePanelProps {
  client: WorkstationClient;
  /** The bed devices are assigned to; editable when `editableBed` (no bed exists yet). */
  bedLabel: string;
  editableBed?: boolean;
  /** The bed's devices now, to take off the bed. */
  devices?: readonly DeviceStatus[];
  onConnected?: (bedId: string) => void;
}

type Listing = { ports: PortInfo[]; drivers: DriverInfo[]; hidPresent: string[] };

export function DevicePanel({
  client,
  bedLabel,
  editableBed = false,
  devices = [],
  onConnected,
}: DevicePanelProps) {
  const ids = useId();
  const [listing, setListing] = useState<Listing | null>(null);
  const [bed, setBed] = useState(bedLabel);
  const [path, setPath] = useState('');
  const [driver, setDriver] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [downloaded, setDownloaded] = useState<string | null>(null);
  const [held, setHeld] = useState<RequestOutput<'importBloodPressure'> | null>(null);

  const refresh = useCallback(() => {
    client.request('listPorts', {}).then(
      (result) => {
        setListing(result);
        setDriver((current) => current || (result.drivers[0]?.id ?? ''));
      },
      (error: unknown) => setProblem(strings.devicePanel.listFailed(reasonOf(error))),
    );
  }, [client]);
  useEffect(refresh, [refresh]);

  const choosePath = (value: string) => {
    setPath(value);
    const suggested = listing?.ports.find((port) => port.path === value)?.candidates[0];
    if (suggested) setDriver(suggested);
  };

  const connect = (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    client.request('connectDevice', { driver, path: path.trim(), bedLabel: bed }).then(
      ({ bedId }) => {
        setBusy(false);
        setPath('');
        refresh();
        onConnected?.(bedId);
      },
      (error: unknown) => {
        setBusy(false);
        setProblem(strings.devicePanel.connectFailed(reasonOf(error)));
      },
    );
  };

  const downloadBloodPressure = () => {
    setBusy(true);
    setProblem(null);
    setDownloaded(null);
    setHeld(null);
    client.request('importBloodPressure', { bedLabel: bed }).then(
      (result) => {
        setBusy(false);
        const { familyName, givenName } = result.patient;
        const name = strings.patients.name(familyName, givenName);
        setDownloaded(strings.bloodPressure.downloaded(result, name));
        setHeld(result.held ? result : null);
        onConnected?.(result.bedId);
      },
      (error: unknown) => {
        setBusy(false);
        setProblem(strings.devicePanel.bpFailed(reasonOf(error)));
      },
    );
  };

  const disconnect = (deviceId: string) => {
    setConfirming(null);
    setProblem(null);
    client
      .request('disconnectDevice', { deviceId })
      .then(refresh, (error: unknown) =>
        setProblem(strings.devicePanel.disconnectFailed(reasonOf(error))),
      );
  };

  const freePorts = listing?.ports ?? [];
  const streamed = (listing?.drivers ?? []).filter((d) => d.transport === 'serial');
  const downloadable = (listing?.drivers ?? []).filter((d) => d.transport === 'hid');
  return (
    <section className="device-panel" aria-labelledby={`${ids}-title`} data-testid="device-panel">
      <h2 id={`${ids}-title`} className="device-panel__title">
        {strings.devicePanel.title(bed)}
      </h2>

      {devices.length > 0 && (
        <ul className="device-panel__devices">
          {devices.map((device) => (
            <li key={device.id} data-testid="device-panel-device" data-device-id={device.id}>
              <span>
                {device.driver} · {device.path}
                <span className="device-panel__counts" data-testid="device-panel-counts">
                  {strings.deviceFrames(
                    device.framesOk,
                    device.framesBad,
                    device.bytesSkipped,
                    bytesPerSecond(device.bytesSkippedPerS),
                  )}
                </span>
              </span>
              {confirming === device.id ? (
                <>
                  <button
                    type="button"
                    className="button button--danger"
                    onClick={() => disconnect(device.id)}
                  >
                    {strings.devicePanel.confirmDisconnect}
                  </button>
                  <button type="button" className="button" onClick={() => setConfirming(null)}>
                    {strings.devicePanel.cancel}
                  </button>
                </>
              ) : (
                <button type="button" className="button" onClick={() => setConfirming(device.id)}>
                  {strings.devicePanel.disconnect}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}

      <form className="device-panel__form" onSubmit={connect}>
        {editableBed && (
          <label>
            {strings.devicePanel.bedLabel}
            <input
              value={bed}
              onChange={(event) => setBed(event.target.value)}
              required
              maxLength={64}
              data-testid="device-panel-bed"
            />
          </label>
        )}
        <label>
          {strings.devicePanel.port}
          <input
            value={path}
            onChange={(event) => choosePath(event.target.value)}
            list={`${ids}-ports`}
            required
            maxLength={256}
            placeholder={strings.devicePanel.portPlaceholder}
            data-testid="device-panel-port"
          />
          <datalist id={`${ids}-ports`}>
            {freePorts.map((port) => (
              <option key={port.path} value={port.path}>
                {strings.devicePanel.portDescription(port)}
              </option>
            ))}
          </datalist>
        </label>
        <label>
          {strings.devicePanel.driver}
          <select
            value={driver}
            onChange={(event) => setDriver(event.target.value)}
            required
            data-testid="device-panel-driver"
          >
            {streamed.map((d) => (
              <option key={d.id} value={d.id}>
                {d.displayName} ({d.deviceKind})
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="button" disabled={busy || !driver}>
          {busy ? strings.devicePanel.connecting : strings.devicePanel.connect}
        </button>
      </form>

      {downloadable.map((d) => (
        <div key={d.id} className="device-panel__download">
          <span data-testid="bp-monitor" data-present={listing?.hidPresent.includes(d.id)}>
            {strings.devicePanel.bpMonitor(
              d.displayName,
              listing?.hidPresent.includes(d.id) ?? false,
            )}
          </span>
          <button
            type="button"
            className="button"
            disabled={busy || bed.trim() === ''}
            onClick={downloadBloodPressure}
            data-testid="download-bp"
          >
            {strings.devicePanel.bpDownload}
          </button>
        </div>
      ))}
      {downloaded && (
        <p className="device-panel__hint" role="status" data-testid="bp-result">
          {downloaded}
        </p>
      )}
      {held?.held && (
        <HeldReadings
          key={held.held.downloadId}
          client={client}
          downloadId={held.held.downloadId}
          patient={held.patient}
          bedLabel={bed}
          inBedSince={held.inBedSince}
          readings={held.held.readings}
          onDecided={setDownloaded}
        />
      )}

      {listing && (
        <p className="device-panel__hint">
          {listing.ports.length === 0
            ? strings.devicePanel.noPorts
            : strings.devicePanel.portsSeen(listing.ports.length)}
        </p>
      )}
      {problem && (
        <p className="device-panel__problem" role="alert" data-testid="device-panel-problem">
          {problem}
        </p>
      )}
    </section>
  );
}
