// The admin api of the hospital connections: the FHIR clients an administrator makes (their public
// keys and scopes), and how the HL7 links stand (ADT in, PCD-01 out). The server answers with
// these; the admin page parses what it receives with them. Pure: no Node.
import { z } from 'zod';

export const INTERFACE_PATHS = {
  /** POST FhirClientRequest → FhirClient; GET → FhirClientList. */
  fhirClients: '/api/admin/fhir-clients',
  /** POST (no body) → FhirClient. */
  revokeFhirClient: (clientId: string) =>
    `/api/admin/fhir-clients/${encodeURIComponent(clientId)}/revoke`,
  /** GET → InterfacesStatus. */
  status: '/api/admin/interfaces',
} as const;

/** SMART v2 (`rs`, `r`, `s`, `cruds` read parts) and v1 (`read`) system scopes of our types. */
export const FHIR_SCOPE = /^system\/(\*|[A-Z][A-Za-z]{1,40})\.(read|rs|r|s|cruds)$/;

const PublicJwk = z
  .object({
    kty: z.enum(['RSA', 'EC']),
    kid: z.string().max(200).optional(),
    alg: z.enum(['RS384', 'ES384']).optional(),
  })
  .passthrough()
  .refine((k) => !('d' in k) && !('p' in k) && !('q' in k), {
    message: 'the key holds a private part: give the public key only',
  });

export const FhirClientRequest = z
  .object({
    name: z.string().trim().min(1).max(200),
    jwk: PublicJwk.optional(),
    jwks: z.object({ keys: z.array(PublicJwk).min(1).max(10) }).optional(),
    scopes: z
      .array(z.string().regex(FHIR_SCOPE, 'a scope like system/Observation.rs'))
      .min(1)
      .max(50),
  })
  .strict()
  .refine((r) => (r.jwk === undefined) !== (r.jwks === undefined), {
    message: 'give the public key as jwk or as jwks (keys inline), one of them',
  });
export type FhirClientRequest = z.infer<typeof FhirClientRequest>;

export const FhirClient = z.object({
  clientId: z.string(),
  name: z.string(),
  scopes: z.array(z.string()),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
});
export type FhirClient = z.infer<typeof FhirClient>;

export const FhirClientList = z.object({ clients: z.array(FhirClient) });
export type FhirClientList = z.infer<typeof FhirClientList>;

export const InterfacesStatus = z.object({
  /** The ADT listener (--adt-port), or null when the server was started without it. */
  adt: z
    .object({
      address: z.string(),
      /** ADT messages applied in the last 24 h, and when the newest arrived (ISO). */
      appliedLastDay: z.number().int().nonnegative(),
      lastAppliedAt: z.string().nullable(),
      /** Patients on the census, and how many are admitted. */
      censusPatients: z.number().int().nonnegative(),
      censusAdmitted: z.number().int().nonnegative(),
    })
    .nullable(),
  /** PCD-01 out (--pcd01-to), or null when the feed is off. */
  pcd01: z
    .object({
      to: z.string(),
      alarms: z.boolean(),
      /** This instance sends now (another instance may hold the queue instead). */
      sendingHere: z.boolean(),
      connected: z.boolean().nullable(),
      queued: z.number().int().nonnegative(),
      setAside: z.number().int().nonnegative(),
      /** When the receiver last accepted a message (ISO), and the last problem in words. */
      lastAcceptedAt: z.string().nullable(),
      lastProblem: z.string().nullable(),
    })
    .nullable(),
});
export type InterfacesStatus = z.infer<typeof InterfacesStatus>;
