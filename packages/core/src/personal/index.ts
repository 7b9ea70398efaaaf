export { ERASED, ERASED_PROFILE, isErasedEmail, withPersonalFieldsErased } from './erased.js';
export { InMemoryPersonalDataKeys, newPersonalKey, PERSONAL_KEY_BYTES, type PersonalDataKeys } from './keys.js';
export { holdsPersonalData, holdsPlainPersonalData, PersonalKeyNotLoadedError, SEALED, sealedLearners, sealEvent, unsealEvent, type KeyOf, type LoadedKeyOf } from './seal.js';
export { asWritten, SealedEventStore } from './sealed-store.js';
export { personalSubjects } from './subjects.js';
