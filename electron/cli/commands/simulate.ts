// `workstation simulate`: a HealthyPi 5 on a serial port, playing the demo recordings, with its
// vitals steerable from stdin so tests and trainers can drive alarms.
import { createInterface } from 'node:readline';
import { runSimulatorOnPort, type Vitals } from '../../host/devices/simulators/on-port';
import { simulatorIds } from '../../host/devices/simulators/registry';
import { demoRecordingsDir } from '../../host/locate';
import { CliError, numberOption, parseOptions } from '../cli-error';

const VITAL_COMMANDS: Record<string, keyof Vitals> = {
  hr: 'hr',
  spo2: 'spo2',
  rr: 'rr',
  temp: 'tempC',
};

export async function runSimulate(args: string[]): Promise<number> {
  const options = parseOptions(args, {
    driver: { type: 'string' },
    port: { type: 'string' },
    hr: { type: 'string' },
    spo2: { type: 'string' },
    rr: { type: 'string' },
    temp: { type: 'string' },
    synthetic: { type: 'boolean' },
    'ecg-record': { type: 'string' },
  });
  if (!options.driver || !simulatorIds().includes(options.driver)) {
    throw new CliError(`--driver must be one of: ${simulatorIds().join(', ')}.`);
  }
  if (!options.port)
    throw new CliError('--port PATH is required (one end of a socat pair, for example).');
  const vitals: Vitals = {
    hr: numberOption('hr', options.hr, 72),
    spo2: numberOption('spo2', options.spo2, 98),
    rr: numberOption('rr', options.rr, 16),
    tempC: numberOption('temp', options.temp, 36.5),
  };

  // Synthetic waveforms follow the vitals typed on stdin; the recordings keep their own rates.
  let recordings: string | null = null;
  if (!options.synthetic) {
    try {
      recordings = demoRecordingsDir();
    } catch {
      console.error('Demo recordings not found: simulating synthetic waveforms.');
    }
  }
  const running = await runSimulatorOnPort(
    options.port,
    options.driver,
    {
      recordingsDir: recordings,
      ...(options['ecg-record'] ? { ecgRecord: options['ecg-record'] } : {}),
    },
    vitals,
  );
  console.log(
    `Simulating ${options.driver} on ${options.port} (HR ${vitals.hr}, SpO2 ${vitals.spo2}, RR ${vitals.rr}, ${vitals.tempC} °C)`,
  );

  const commands = createInterface({ input: process.stdin, terminal: false });
  commands.on('line', (line) => {
    const [word, raw] = line.trim().split(/\s+/);
    if (!word) return;
    if (word === 'pause') return running.simulator.stop();
    if (word === 'resume') return running.simulator.start();
    const key = VITAL_COMMANDS[word];
    const value = Number(raw);
    if (!key || !Number.isFinite(value)) {
      console.error(
        `Unknown command "${line.trim()}". Try: hr 130 | spo2 85 | rr 20 | temp 37.8 | pause | resume`,
      );
      return;
    }
    running.simulator.setVitals({ [key]: value });
    console.log(`${word} → ${value}`);
  });

  const reason = await Promise.race([
    running.lost.then((why) => `port lost: ${why}`),
    new Promise<string>((resolve) => {
      process.once('SIGINT', () => resolve('interrupted'));
      process.once('SIGTERM', () => resolve('terminated'));
    }),
  ]);
  commands.close();
  await running.stop();
  console.log(`Simulator stopped (${reason}).`);
  return reason.startsWith('port lost') ? 1 : 0;
}
