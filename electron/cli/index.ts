// The `workstation` command. Each subcommand lives in commands/; this file only dispatches.
import { runServe } from './commands/serve';
import { runDecode } from './commands/decode';
import { runSimulate } from './commands/simulate';
import { runDevices } from './commands/devices';
import { runCapture } from './commands/capture';
import { runPorts } from './commands/ports';
import { runExport, runImport } from './commands/records';
import { runBeats } from './commands/beats';
import { runAlarms } from './commands/alarms';
import { runEnrol } from './commands/enrol';
import { runUpdate } from './commands/update';
import { runUsers } from './commands/users';
import { runAudit } from './commands/audit';
import { runStore } from './commands/store';
import { runExports } from './commands/exports';
import { StoreKeyError } from '../host/store/encryption/data-key';
import { CliError } from './cli-error';

const USAGE = `Usage: workstation <command> [options]

Commands:
  serve      Start the workstation with the browser shell (HTTP + WebSocket on 127.0.0.1)
             --port N  --data DIR  [--device DRIVER:PATH[@BED]]...  [--auto]  [--demo [N]]  [--token T]
             --auto connects devices found on plug-in (USB ids matched, generic chips probed)
             [--allow-port PATH_OR_GLOB]... paths besides the listed serial ports that devices
             may be connected on from the screen (e.g. /dev/pts/* for a simulator's cable)
             --token needs 16+ letters, digits or . _ ~ - (default: a random one)
             [--script-token T] for scripts (Authorization: Bearer; default: a random one, kept in
             DIR/script-token, owner-only): they act unsigned, as "script (access token)"; the
             page's --token only lets a screen connect, and the screen signs in
             [--keep-waveforms-hours 72] [--keep-trends-days 30] how long data are kept
             [--test-clock] lets end-to-end tests move the alarm clock forward (never in use)
             [--update-keys DIR [--update-channel stable|pilot] [--update-check-s 10]] reads
             the enrolled server's update feed, checks releases against the keys in DIR and shows
             them on the status line (installing is the desktop app's: this shell cannot)
             [--idle-lock-min 5] a signed-in screen locks after this long without input
             [--passphrase-stdin] the data key is wrapped by a passphrase: read from stdin (or
             typed); default: by the folder's key file credential.key (owner-only)
  decode     Decode a device byte stream: one JSON object per frame, then a summary line
             --driver ID  [--input FILE|-]
  simulate   Play a simulated device into a serial port (e.g. one end of a socat pair)
             --driver ID  --port PATH  [--hr 72 --spo2 98 --rr 16 --temp 36.5] [--synthetic]
             --synthetic: waveforms whose rates follow the vitals, instead of the recordings
             --ecg-record PATH: play signal 0 of this WFDB record (format 212) as the ECG
             While running, type commands on stdin: "spo2 85", "hr 130", "pause", "resume".
  capture    Record a device's raw bytes to a file (replay it with decode --input FILE)
             --device DRIVER:PATH  --seconds N  --out FILE
  export     A bed's stored record as files: waveforms, alarm log and annotations
             --data DIR --bed B --from T --to T --format wfdb|wfdb212|csv|edf --out FOLDER
             --format fhir --patient MRN [--at T] --out FILE.json: the patient's stay (the
             latest, or the one at T) as a FHIR R4 Bundle, for a clinic without a central server
             [--passphrase-stdin] (export, import, update): the data store's passphrase, from
             stdin, when its key is wrapped by one
  exports    open FILE --out PATH [--data DIR] [--passphrase-stdin]: an export made from the
             screen (sealed in DIR/exports) as its plain file at PATH (or in the folder PATH,
             under its own name); never over another file; audited. Stop the workstation first
  import     Load a WFDB record (PhysioNet) as a bed, for review and demos
             --data DIR --wfdb RECORD [--bed LABEL] [--start T] [--annotator atr]
  beats      Detect and classify heartbeats (N, S, V, F, Q) in one lead of a WFDB record,
             with a second lead if asked: one JSON object per beat
             --wfdb RECORD [--lead 0] [--second-lead 1]
  alarms     Replay a WFDB record through the signals and the alarm system (adult defaults):
             one JSON object per alarm state change, ventricular ectopy change and VT/VF
             alarm held as noise   --wfdb RECORD [--lead 0]
  enrol      Join a central server with a one-time code (its credential is kept, sealed, in DIR)
             --server URL --code CODE [--name NAME] [--ca CA.pem] [--data DIR]
             --status: show the enrolment (exit 1 when not enrolled); --forget: leave the server
  update     Install a signed release brought offline (a USB stick): checked as a downloaded
             update is, then kept for the desktop app, which installs it when no bed is monitored
             --from FOLDER|FILE.tar [--data DIR] [--keys DIR] [--running-version X.Y.Z]
  audit      verify [--data DIR] [--passphrase-stdin]: check the audit trail's hash chain; a
             deleted, changed or reordered entry is named (exit 1). Stop the workstation on DIR first
  users      The workstation's own accounts (refused while a workstation runs on DIR)
             list | add --username NAME --name "Full Name" --role ROLE [--with-pin] |
             disable --username NAME [--enable]   [--data DIR] [--passphrase-stdin: the data
             store's passphrase, read first]; the password (and PIN) are read
             from stdin, one a line, or asked without echo on a terminal: never an argument
  store      rotate-key --to passphrase|key-file [--data DIR] [--passphrase-stdin]: wrap the
             key that seals patients' data under a new passphrase or the folder's key file;
             the data are not touched (passphrases from stdin, one a line, or typed)
  ports      List serial ports with their USB ids and the drivers that could be behind each
  devices    List every supported device: transport, serial settings, USB ids, channels
  help       Show this text
`;

const commands: Record<string, (args: string[]) => Promise<number>> = {
  serve: runServe,
  decode: runDecode,
  simulate: runSimulate,
  devices: runDevices,
  capture: runCapture,
  ports: runPorts,
  export: runExport,
  import: runImport,
  beats: runBeats,
  alarms: runAlarms,
  enrol: runEnrol,
  update: (args) => runUpdate(args),
  users: (args) => runUsers(args),
  audit: runAudit,
  store: (args) => runStore(args),
  exports: (args) => runExports(args),
};

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(USAGE);
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`Unknown command "${name}".\n\n${USAGE}`);
    return 2;
  }
  return command(args);
}

// `workstation beats … | head`: the reader went away; that is the end of the output, not a crash.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof CliError || error instanceof StoreKeyError) {
      process.stderr.write(`workstation: ${error.message}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(
        `workstation: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exitCode = 1;
    }
  },
);
