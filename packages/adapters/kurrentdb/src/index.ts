/**
 * @packageDocumentation
 * The KurrentDB / EventStoreDB event store for learner-ledger, over the
 * official gRPC client `@kurrent/kurrentdb-client`. One organization is one
 * stream, so every command of the ledger is one atomic single-stream append on
 * this store, on every server version.
 */
export { openKurrentDbEventStore, KurrentDbEventStore, type KurrentDbEventStoreOptions } from './store.js';
export { PartialMultiStreamAppendError, type FailedStreamOutcome } from './operations/appendMany.js';
export { AppendOutcomeUnknownError, AppendWrittenResultUnknownError } from './append-errors.js';
export { KurrentDbEventFormatError, SCHEMA_VERSION_KEY, WRAPPED_METADATA_KEY } from './event-mapping.js';
export { encodePosition, decodePosition, MAX_LOG_POSITION, type KurrentPosition } from './position.js';
export { DEFAULT_STREAM_PREFIX } from './filters.js';
