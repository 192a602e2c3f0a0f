// `workstation ports`: the serial ports this machine has, their USB ids, and which drivers could
// be behind each — the first thing to run when "the device is not found".
import { candidateDrivers, listHidDevices, listSerialPorts } from '../../host/devices/discovery';
import { parseOptions } from '../cli-error';

export async function runPorts(args: string[]): Promise<number> {
  parseOptions(args, {});
  const ports = await listSerialPorts();
  if (ports.length === 0)
    console.error(
      'No serial ports found. Is the device plugged in (and is it a data cable, not a charge-only one)?',
    );
  const hex = (id: number | undefined) =>
    id === undefined ? null : `0x${id.toString(16).toUpperCase().padStart(4, '0')}`;
  for (const port of ports) {
    process.stdout.write(
      JSON.stringify({
        path: port.path,
        vendorId: hex(port.vendorId),
        productId: hex(port.productId),
        manufacturer: port.manufacturer ?? null,
        candidates: candidateDrivers(port).map((driver) => driver.descriptor.id),
      }) + '\n',
    );
  }
  // USB HID devices of the manifest (blood-pressure monitors): downloaded from the Devices panel.
  for (const device of await listHidDevices()) {
    process.stdout.write(
      JSON.stringify({
        hid: true,
        vendorId: hex(device.vendorId),
        productId: hex(device.productId),
        product: device.product,
        candidates: [device.driver],
      }) + '\n',
    );
  }
  return 0;
}
