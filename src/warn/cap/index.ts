/** CAP 1.2: model, writer, safe reader, schema and profile validation. */
export * from './model.ts'
export { formatCapTime, parseCapTime } from './time.ts'
export { writeCap, formatDecimal, polygonText, circleText, listText } from './write.ts'
export {
  readCap,
  decodeXmlText,
  parseXmlTree,
  splitCapList,
  parsePolygonText,
  parseCircleText,
} from './read.ts'
export type { ReadCapOptions } from './read.ts'
export { screenXml, DEFAULT_MAX_BYTES } from './xml-input.ts'
export type { XmlIntakeOptions } from './xml-input.ts'
export { createCapXsdValidator } from './xsd.ts'
export type { CapXsdValidator } from './xsd.ts'
export { checkCapProfile, isAbsoluteUri } from './profile.ts'
export type { CapProfileMode, CapProfileReport } from './profile.ts'
export { validateCapDocument } from './validate.ts'
export type { CapValidation, ValidateCapOptions } from './validate.ts'
