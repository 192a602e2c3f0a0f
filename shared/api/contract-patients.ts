// The patients requests of the contract (spread into `requests` in contract.ts).
export const patientsRequests = {} as const;
