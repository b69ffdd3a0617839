/** The six bytes every .npy file starts with (numpy format.py: MAGIC_PREFIX). Its own module so that sniffing loads nothing else. */
export const NPY_MAGIC = Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]); // \x93NUMPY

/** Whether bytes start with NPY_MAGIC. */
export function isNpyMagic(bytes: Uint8Array): boolean {
  return bytes.length >= NPY_MAGIC.length && NPY_MAGIC.every((b, i) => bytes[i] === b);
}
