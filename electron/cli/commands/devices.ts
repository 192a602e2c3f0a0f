// `workstation devices`: the manifest of every supported device, one JSON object per driver, so
// a biomed or IT admin can see what connects how (serial settings, USB ids, channels).
import { allDescriptors } from '../../host/devices/manifest';
import { parseOptions } from '../cli-error';

export async function runDevices(args: string[]): Promise<number> {
  parseOptions(args, {});
  for (const descriptor of allDescriptors) {
    const { id, displayName, deviceKind, transport, serial, usb, channels, numerics, caveats } =
      descriptor;
    process.stdout.write(
      JSON.stringify({
        id,
        displayName,
        deviceKind,
        transport,
        serial: serial ?? null,
        usb: usb.map((match) => ({
          vendorId: hex(match.vendorId),
          productId: match.productId === undefined ? null : hex(match.productId),
          note: match.note,
        })),
        channels: channels.map(({ key, label, unit, rateHz, scale }) => ({
          key,
          label,
          unit,
          rateHz,
          scale,
        })),
        numerics,
        caveats,
      }) + '\n',
    );
  }
  return 0;
}

function hex(id: number): string {
  return `0x${id.toString(16).toUpperCase().padStart(4, '0')}`;
}
