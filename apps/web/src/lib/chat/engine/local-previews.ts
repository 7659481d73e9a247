// Object URLs of files sent from this tab, kept so a sent photo doesn't flash while its server copy loads.
const LOCAL_PREVIEWS_KEPT = 30;

/** The local copies of files this tab sent (object URLs), by media id, the most recent kept. */
export class LocalPreviews {
  readonly #byMediaId = new Map<string, string>();

  /** The local copy of a file this tab sent, while it is kept. */
  get(mediaId: string): string | null {
    return this.#byMediaId.get(mediaId) ?? null;
  }

  /** A file was uploaded and checked: its object URL stands in for the server's copy. */
  keep(mediaId: string, url: string) {
    this.#byMediaId.set(mediaId, url);
    for (const [oldId, oldUrl] of this.#byMediaId) {
      if (this.#byMediaId.size <= LOCAL_PREVIEWS_KEPT) break;
      this.#byMediaId.delete(oldId);
      URL.revokeObjectURL(oldUrl);
    }
  }

  /** Lets go of a discarded file's object URL, unless a sent message still shows it. */
  release(url: string) {
    if (![...this.#byMediaId.values()].includes(url)) URL.revokeObjectURL(url);
  }
}
