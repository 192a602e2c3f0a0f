// The words of the devices view (part of strings.ts: every sentence a person reads, in one place).
export const devicesStrings = {
  title: 'Devices',
};
