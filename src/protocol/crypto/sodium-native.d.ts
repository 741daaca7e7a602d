// sodium-native ships no typings; sodium.ts declares the functions Mizu uses.
declare module 'sodium-native' {
  const sodium: unknown;
  export default sodium;
}
