// The devices view, for a biomedical engineer: every device on the workstation with its bed,
// state, frame counts and the age of its last frame, read again every second while the view is
// open; a raw capture of any device; disconnecting; and connecting a port to a bed.
import { useCallback, useEffect, useState } from 'react';
import type { WorkstationClient } from '../../../shared/api/client';
import type { DriverInfo, Status } from '../../../shared/model/schemas';
import { DevicePanel } from '../components/DevicePanel';
import { DeviceTable } from '../components/devices/DeviceTable';
import { RawCapture } from '../components/devices/RawCapture';
import { deviceRows } from '../components/devices/device-rows';
import { strings } from '../strings';
import '../components/devices/devices.css';
import { reasonOf } from '../api/reason';

const REFRESH_EVERY_MS = 1000;

export function Devices({
  client,
  status,
  onChanged,
}: {
  client: WorkstationClient;
  status: Status;
  onChanged: () => void;
}) {
  const s = strings.devices;
  const [live, setLive] = useState(status);
  const [nowMs, setNowMs] = useState(Date.now);
  const [drivers, setDrivers] = useState<DriverInfo[]>([]);
  const [capturing, setCapturing] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  // The app's own, slower reading of the status also counts.
  useEffect(() => setLive(status), [status]);

  const refresh = useCallback(() => {
    client.request('getStatus', {}).then(
      (next) => {
        setLive(next);
        setNowMs(Date.now());
        setProblem(null);
      },
      (error: unknown) => setProblem(s.statusFailed(reasonOf(error))),
    );
  }, [client, s]);

  useEffect(() => {
    const timer = setInterval(refresh, REFRESH_EVERY_MS);
    return () => clearInterval(timer);
  }, [refresh]);

  useEffect(() => {
    let cancelled = false;
    client.request('listPorts', {}).then(
      (listing) => !cancelled && setDrivers(listing.drivers),
      () => {}, // Driver ids stand in for their names; the device panel reports the failure.
    );
    return () => {
      cancelled = true;
    };
  }, [client]);

  const changed = () => {
    refresh();
    onChanged();
  };

  const disconnect = (deviceId: string) => {
    if (capturing === deviceId) setCapturing(null);
    client
      .request('disconnectDevice', { deviceId })
      .then(changed, (error: unknown) => setProblem(s.disconnectFailed(reasonOf(error))));
  };

  const rows = deviceRows(live.devices, live.beds, drivers, nowMs);
  const connected = rows.filter((row) => row.device.state === 'connected').length;
  const captured = rows.find((row) => row.device.id === capturing);

  return (
    <main className="view devices" data-testid="devices-view">
      <header className="view__header">
        <h1 className="view__title">{s.title}</h1>
        <p className="devices__summary" data-testid="devices-summary">
          {s.summary(rows.length, connected)}
        </p>
      </header>
      {problem && (
        <p className="devices__problem" role="alert">
          {problem}
        </p>
      )}
      {rows.length > 0 && (
        <DeviceTable
          rows={rows}
          capturing={capturing}
          capture={
            captured && (
              <RawCapture
                key={captured.device.id}
                client={client}
                deviceId={captured.device.id}
                deviceName={`${captured.driverName} · ${captured.device.path}`}
                onClose={() => setCapturing(null)}
              />
            )
          }
          onCapture={setCapturing}
          onDisconnect={disconnect}
        />
      )}
      <section className="devices__connect" aria-label={s.connectTitle}>
        <DevicePanel
          client={client}
          bedLabel={live.beds[0]?.label ?? 'Bed 1'}
          editableBed
          onConnected={changed}
        />
        <p className="devices__hint">{s.connectHint}</p>
      </section>
    </main>
  );
}
