// Entry point of the model worker threads. Worker threads do not share the TypeScript
// transform of the thread that starts them (Vitest transforms in-process, and plain Node
// has none), so this plain module loads the TypeScript handler through tsx's scoped import,
// which works whether or not the parent process itself runs under tsx.
import { tsImport } from 'tsx/esm/api'

const handler = await tsImport('./model-worker.ts', import.meta.url)

export default handler.default
