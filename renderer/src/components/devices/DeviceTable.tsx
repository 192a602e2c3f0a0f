// Every device on the workstation in one table, for a biomedical engineer: which device on which
// port in which bed, its state in words and icon (never colour alone), how its frames decode, the
// bytes its line carries that are no frame (noise, debug text) and how fast they come now, how
// fresh its last frame is, the problem when there is one, and the actions on it.
import { Fragment, useState, type ReactNode } from 'react';
import type { DeviceState } from '../../../../shared/model/schemas';
import { routeHref } from '../../navigation';
import { strings } from '../../strings';
import { bytesPerSecond, percent, type DeviceRow } from './device-rows';

const stateIcon: Record<DeviceState, string> = {
  connecting: '◌',
  connected: '●',
  stale: '◐',
  disconnected: '✕',
};

export interface DeviceTableProps {
  rows: readonly DeviceRow[];
  /** The device whose raw capture is open, if any, and the capture shown under its row. */
  capturing: string | null;
  capture?: ReactNode;
  onCapture(deviceId: string): void;
  onDisconnect(deviceId: string): void;
}

export function DeviceTable({
  rows,
  capturing,
  capture,
  onCapture,
  onDisconnect,
}: DeviceTableProps) {
  const s = strings.devices;
  const [confirming, setConfirming] = useState<string | null>(null);
  return (
    <table className="device-table" data-testid="device-table">
      <caption>{s.tableCaption}</caption>
      <thead>
        <tr>
          <th scope="col">{s.columns.device}</th>
          <th scope="col">{s.columns.port}</th>
          <th scope="col">{s.columns.bed}</th>
          <th scope="col">{s.columns.state}</th>
          <th scope="col">{s.columns.frames}</th>
          <th scope="col">{s.columns.skipped}</th>
          <th scope="col">{s.columns.lastFrame}</th>
          <th scope="col">{s.columns.problem}</th>
          <th scope="col">{s.columns.actions}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(({ device, driverName, bedLabel, badShare, lastFrameAgeS }) => (
          <Fragment key={device.id}>
            <tr
              data-testid="device-row"
              data-device-id={device.id}
              data-state={device.state}
              aria-current={capturing === device.id ? 'true' : undefined}
            >
              <th scope="row">
                <span className="device-table__name">{driverName}</span>
                <span className="device-table__driver">{device.driver}</span>
              </th>
              <td className="device-table__path">{device.path}</td>
              <td>
                <a href={routeHref({ view: 'bed', bedId: device.bedId })}>
                  {bedLabel ?? s.unknownBed(device.bedId)}
                </a>
              </td>
              <td className={`device-table__state device-table__state--${device.state}`}>
                <span aria-hidden="true">{stateIcon[device.state]} </span>
                {strings.deviceState[device.state]}
              </td>
              <td className="device-table__number" data-testid="device-frames">
                <span data-testid="frames-ok">{device.framesOk.toLocaleString('en')}</span>
                {' / '}
                <span data-testid="frames-bad">{device.framesBad.toLocaleString('en')}</span>
                {badShare !== null && badShare > 0 && (
                  <span className="device-table__share"> ({s.badShare(percent(badShare))})</span>
                )}
              </td>
              <td
                className={`device-table__skipped${device.bytesSkippedPerS > 0 ? ' device-table__noisy' : ''}`}
                data-testid="device-skipped"
              >
                <span className="device-table__number" data-testid="bytes-skipped">
                  {device.bytesSkipped.toLocaleString('en')}
                </span>
                {device.bytesSkipped > 0 && (
                  <span className="device-table__rate" data-testid="bytes-skipped-rate">
                    {s.skippedRate(bytesPerSecond(device.bytesSkippedPerS))}
                  </span>
                )}
              </td>
              <td className="device-table__number" data-testid="last-frame">
                {lastFrameAgeS === null ? s.noFrameYet : s.lastFrameAgo(lastFrameAgeS)}
              </td>
              <td className={device.problem ? 'device-table__problem' : undefined}>
                {device.problem ?? s.noProblem}
              </td>
              <td>
                <div className="device-table__actions">
                  <button type="button" className="button" onClick={() => onCapture(device.id)}>
                    {s.rawCapture}
                  </button>
                  {confirming === device.id ? (
                    <>
                      <button
                        type="button"
                        className="button button--danger"
                        onClick={() => {
                          setConfirming(null);
                          onDisconnect(device.id);
                        }}
                      >
                        {s.confirmDisconnect}
                      </button>
                      <button type="button" className="button" onClick={() => setConfirming(null)}>
                        {s.cancel}
                      </button>
                    </>
                  ) : (
                    <button
                      type="button"
                      className="button"
                      onClick={() => setConfirming(device.id)}
                    >
                      {s.disconnect}
                    </button>
                  )}
                </div>
              </td>
            </tr>
            {capturing === device.id && capture && (
              <tr className="device-table__detail">
                <td colSpan={9}>{capture}</td>
              </tr>
            )}
          </Fragment>
        ))}
      </tbody>
    </table>
  );
}
