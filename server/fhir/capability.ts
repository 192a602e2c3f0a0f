// What the FHIR api offers: its resource types with their search parameters (the one list the
// search handler also refuses unknown parameters by), as the CapabilityStatement at /metadata
// and the SMART configuration at /.well-known/smart-configuration.
import type { FhirResource } from '../../shared/fhir/resources';

type ParamType = 'token' | 'string' | 'date' | 'reference' | 'special';

export const SEARCH_PARAMETERS: Record<string, Record<string, ParamType>> = {
  Patient: { _id: 'token', identifier: 'token', name: 'string', birthdate: 'date' },
  Encounter: {
    _id: 'token',
    patient: 'reference',
    subject: 'reference',
    date: 'date',
    location: 'reference',
  },
  Location: { _id: 'token', name: 'string', partof: 'reference' },
  Device: { _id: 'token', location: 'reference' },
  Observation: {
    patient: 'reference',
    subject: 'reference',
    encounter: 'reference',
    code: 'token',
    category: 'token',
    date: 'date',
    // minute (default): per-minute rollups; raw: every reading; waveform: strips of 10–60 s.
    _resolution: 'special',
  },
  DetectedIssue: { patient: 'reference', date: 'date' },
  DocumentReference: { patient: 'reference', subject: 'reference', date: 'date', type: 'token' },
  AuditEvent: { date: 'date' },
};

/** Types that are read only (by the url a DocumentReference gives). */
export const READ_ONLY_TYPES = ['Binary'];

export function capabilityStatement(baseUrl: string, version: string, nowMs: number): FhirResource {
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: new Date(nowMs).toISOString(),
    publisher: 'Central server',
    kind: 'instance',
    software: { name: 'Clinical monitoring central server', version },
    implementation: {
      description: 'Vital signs, waveforms, alarms and documents, read only',
      url: baseUrl,
    },
    fhirVersion: '4.0.1',
    format: ['json'],
    rest: [
      {
        mode: 'server',
        security: {
          cors: false,
          service: [
            {
              coding: [
                {
                  system: 'http://terminology.hl7.org/CodeSystem/restful-security-service',
                  code: 'SMART-on-FHIR',
                },
              ],
              text: 'SMART backend services: client_credentials with a signed JWT (private_key_jwt)',
            },
          ],
          extension: [
            {
              url: 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris',
              extension: [{ url: 'token', valueUri: `${baseUrl}/auth/token` }],
            },
          ],
        },
        resource: [
          ...Object.entries(SEARCH_PARAMETERS).map(([type, params]) => ({
            type,
            interaction: [{ code: 'read' }, { code: 'search-type' }],
            searchParam: Object.entries(params).map(([name, t]) => ({ name, type: t })),
          })),
          ...READ_ONLY_TYPES.map((type) => ({ type, interaction: [{ code: 'read' }] })),
        ],
      },
    ],
  };
}

export function smartConfiguration(baseUrl: string) {
  const scopes = Object.keys(SEARCH_PARAMETERS).flatMap((t) => [
    `system/${t}.rs`,
    `system/${t}.read`,
  ]);
  return {
    token_endpoint: `${baseUrl}/auth/token`,
    token_endpoint_auth_methods_supported: ['private_key_jwt'],
    token_endpoint_auth_signing_alg_values_supported: ['RS384', 'ES384'],
    grant_types_supported: ['client_credentials'],
    scopes_supported: ['system/*.rs', 'system/*.read', ...scopes],
    capabilities: ['client-confidential-asymmetric', 'permission-v1', 'permission-v2'],
  };
}
