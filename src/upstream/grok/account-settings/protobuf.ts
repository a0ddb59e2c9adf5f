/**
 * The two request messages of §14.8–14.9, written field by field. Only what these calls need:
 * varints and length-delimited fields (protobuf wire types 0 and 2).
 */

function varint(value: number): number[] {
  const bytes: number[] = [];
  let rest = value;
  while (rest > 0x7f) {
    bytes.push((rest & 0x7f) | 0x80);
    rest = Math.floor(rest / 128);
  }
  bytes.push(rest);
  return bytes;
}

const varintField = (field: number, value: number) => [...varint(field << 3), ...varint(value)];
const bytesField = (field: number, payload: number[]) => [
  ...varint((field << 3) | 2),
  ...varint(payload.length),
  ...payload,
];

/** `SetTosAcceptedVersion`: field 2 (varint) = 1. */
export function tosAcceptedMessage(): Uint8Array {
  return Uint8Array.from(varintField(2, 1));
}

/** `UpdateUserFeatureControls`: field 1 = {field 2 = 1} ("enable"), field 2 = {field 1 = feature name}. */
export function featureControlMessage(feature: string, enabled: boolean): Uint8Array {
  const name = [...new TextEncoder().encode(feature)];
  return Uint8Array.from([...bytesField(1, varintField(2, enabled ? 1 : 0)), ...bytesField(2, bytesField(1, name))]);
}

export const NSFW_FEATURE = 'always_show_nsfw_content';
