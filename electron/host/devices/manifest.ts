// Every driver the workstation knows, in one place: anyone adding a device starts here.
import type { Driver, DriverDescriptor } from './driver';
import { omronHem790itDescriptor } from './drivers/omron-hem790it';
import { healthypi5 } from './drivers/healthypi5';
import { healthypi4 } from './drivers/healthypi4';
import { cms50v5, cms50v7 } from './drivers/cms50';
import { openbciCyton } from './drivers/openbci';
import { nonin2, nonin7, nonin8 } from './drivers/nonin';
import { masimoAscii } from './drivers/masimo';
import { intellivueMib } from './drivers/intellivue';
import { datexS5 } from './drivers/datex';

export const drivers: readonly Driver[] = [
  healthypi5,
  healthypi4,
  cms50v7,
  cms50v5,
  masimoAscii,
  nonin2,
  nonin7,
  nonin8,
  openbciCyton,
  intellivueMib,
  datexS5,
];

/**
 * Devices that are asked rather than streamed (USB HID, request/response): they have no streaming
 * decoder; the workstation downloads their stored readings on request.
 */
export const downloadDevices: readonly DriverDescriptor[] = [omronHem790itDescriptor];

/** Every device the workstation supports, streamed and downloaded. */
export const allDescriptors: readonly DriverDescriptor[] = [
  ...drivers.map((driver) => driver.descriptor),
  ...downloadDevices,
];

export function findDriver(id: string): Driver | undefined {
  return drivers.find((driver) => driver.descriptor.id === id);
}

export function driverIds(): string[] {
  return drivers.map((driver) => driver.descriptor.id);
}
