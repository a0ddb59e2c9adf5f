import { randomUUID } from 'node:crypto';

export interface StoredFile {
  fileMetadataId: string;
  ownerUserId: string;
  fileName: string;
  mimeType: string;
  bytes: Uint8Array<ArrayBuffer>;
}

/** Uploaded bytes, kept in memory and addressed like assets.grok.com does (§11.5). */
export class FileStore {
  private readonly files = new Map<string, StoredFile>();

  save(ownerUserId: string, fileName: string, mimeType: string, bytes: Uint8Array<ArrayBuffer>): StoredFile {
    const file: StoredFile = { fileMetadataId: randomUUID(), ownerUserId, fileName, mimeType, bytes };
    this.files.set(file.fileMetadataId, file);
    return file;
  }

  get(fileMetadataId: string): StoredFile | undefined {
    return this.files.get(fileMetadataId);
  }

  /** The owner's files in upload order (the asset listing of §11.3). */
  owned(ownerUserId: string): StoredFile[] {
    return [...this.files.values()].filter((file) => file.ownerUserId === ownerUserId);
  }

  delete(fileMetadataId: string): boolean {
    return this.files.delete(fileMetadataId);
  }
}

export function fileUri(file: StoredFile): string {
  return `users/${file.ownerUserId}/${file.fileMetadataId}/content`;
}
