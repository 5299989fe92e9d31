/** The Teams app package: a zip with manifest.json and the icons at its root. */
import JSZip from 'jszip';

export interface PackageFile {
  /** Path inside the zip, e.g. "manifest.json" or "color.png". */
  name: string;
  data: Uint8Array | string;
}

/** A fixed timestamp, so that the same inputs give the same zip bytes. */
const FIXED_DATE = new Date(Date.UTC(2020, 0, 1, 0, 0, 0));

export async function zipAppPackage(files: readonly PackageFile[]): Promise<Buffer> {
  const zip = new JSZip();
  for (const file of files) {
    if (file.name.startsWith('/') || file.name.split('/').includes('..')) {
      throw new Error(`zip entry "${file.name}" must be a relative path inside the package`);
    }
    zip.file(file.name, file.data, { date: FIXED_DATE, createFolders: false });
  }
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 9 }, platform: 'DOS' });
}

/** Names and contents of the files in a zip (for checks and tests). */
export async function readZip(zipBytes: Uint8Array): Promise<Map<string, Buffer>> {
  const zip = await JSZip.loadAsync(zipBytes);
  const out = new Map<string, Buffer>();
  for (const entry of Object.values(zip.files)) {
    if (!entry.dir) out.set(entry.name, await entry.async('nodebuffer'));
  }
  return out;
}
