// Every driver the workstation knows, in one place: anyone adding a device starts here.
import type { Driver } from './driver';
import { healthypi5 } from './drivers/healthypi5';

export const drivers: readonly Driver[] = [healthypi5];

export function findDriver(id: string): Driver | undefined {
  return drivers.find((driver) => driver.descriptor.id === id);
}

export function driverIds(): string[] {
  return drivers.map((driver) => driver.descriptor.id);
}
