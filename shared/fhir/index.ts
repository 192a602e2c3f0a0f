// FHIR R4 from plain inputs, shared by the central server's api and the workstation's export.
export * from './resources';
export * from './outcome';
export * from './administrative';
export * from './device-models';
export * from './vital-signs';
export * from './waveform';
export * from './alarms';
export * from './documents';
export * from './bundle';
