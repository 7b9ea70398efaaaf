import { patchBodyValidation, scimPatch, ScimError as PatchError, type ScimPatchOperation, type ScimResource } from 'scim-patch';
import { PATCH_OP_SCHEMA, ScimError, attribute, isObject, type ScimType } from './protocol.js';

/** Most operations one PATCH may carry. */
export const MAX_PATCH_OPERATIONS = 1000;

const SCIM_TYPES: readonly ScimType[] = ['invalidFilter', 'tooMany', 'uniqueness', 'mutability', 'invalidSyntax', 'invalidPath', 'noTarget', 'invalidValue', 'invalidVers'];

/**
 * The operations of a PATCH body, with `op` in lower case: Entra ID writes
 * `Replace`/`Add`/`Remove`, and RFC 7644 treats operation names without case.
 */
export const patchOperations = (body: unknown): ScimPatchOperation[] => {
  if (!isObject(body)) throw new ScimError(400, 'The body must be a SCIM PatchOp object', 'invalidSyntax');
  const operations = attribute(body, 'Operations');
  if (!Array.isArray(operations)) throw new ScimError(400, 'A PatchOp body needs an Operations array', 'invalidSyntax');
  if (operations.length > MAX_PATCH_OPERATIONS) throw new ScimError(400, `A PatchOp body may carry at most ${MAX_PATCH_OPERATIONS} operations`, 'tooMany');
  const normalized = operations.map((operation: unknown) => {
    if (!isObject(operation)) throw new ScimError(400, 'Each operation must be an object with op, path and value', 'invalidSyntax');
    const op = attribute(operation, 'op');
    const path = attribute(operation, 'path');
    return { ...('value' in operation ? { value: operation.value } : {}), ...(path !== undefined ? { path } : {}), op: typeof op === 'string' ? op.toLowerCase() : op } as ScimPatchOperation;
  });
  const schemas = attribute(body, 'schemas');
  try {
    patchBodyValidation({ schemas: Array.isArray(schemas) ? schemas : [PATCH_OP_SCHEMA], Operations: normalized } as Parameters<typeof patchBodyValidation>[0]);
  } catch (error) {
    throw patchFailure(error);
  }
  return normalized;
};

/** A resource with the operations applied, the original untouched. */
export const applyPatch = <T extends Record<string, unknown>>(resource: T, operations: ScimPatchOperation[]): T => {
  try {
    return scimPatch(resource as unknown as ScimResource, operations, { mutateDocument: false, treatMissingAsAdd: true }) as unknown as T;
  } catch (error) {
    throw patchFailure(error);
  }
};

const patchFailure = (error: unknown): ScimError => {
  if (error instanceof ScimError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof PatchError ? error.scimCode : undefined;
  const scimType = SCIM_TYPES.find((type) => type === code) ?? 'invalidSyntax';
  return new ScimError(400, `The PATCH operations cannot be applied: ${message}`, scimType);
};
