// A device's connection as a nurse or biomed needs it: state with icon and words (never colour
// alone), which device and port, and the problem when there is one. Several fit in the bedside
// header side by side: the port shrinks first, and the whole (frames decoded and bytes skipped
// too) is its title.
import type { DeviceState as DeviceStateName, DeviceStatus } from '../../../shared/model/schemas';
import { strings } from '../strings';
import { bytesPerSecond } from './devices/device-rows';

const stateIcon: Record<DeviceStateName, string> = {
  connecting: '◌',
  connected: '●',
  stale: '◐',
  disconnected: '✕',
};

export interface DeviceStateProps {
  device: DeviceStatus;
}

export function DeviceState({ device }: DeviceStateProps) {
  return (
    <div
      className="device-state"
      data-testid="device-state"
      data-state={device.state}
      data-device-id={device.id}
      title={[
        `${strings.deviceState[device.state]}: ${device.driver} ${device.path}`,
        strings.deviceFrames(
          device.framesOk,
          device.framesBad,
          device.bytesSkipped,
          bytesPerSecond(device.bytesSkippedPerS),
        ),
        device.problem,
      ]
        .filter(Boolean)
        .join(' · ')}
    >
      <span className="device-state__status">
        <span className="device-state__icon" aria-hidden="true">
          {stateIcon[device.state]}
        </span>
        {strings.deviceState[device.state]}
      </span>
      <span className="device-state__name">{device.driver}</span>
      <span className="device-state__detail">{device.path}</span>
      {device.problem && <span className="device-state__problem">{device.problem}</span>}
    </div>
  );
}
