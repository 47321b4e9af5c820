#!/usr/bin/env python3
"""A large library made in seconds from a few real tracks: each new track is a hard link to one of the
seed tracks' audio (no audio bytes copied) beside a manifest of its own (its id, title and artist; the seed's
chunk hashes and seek index, which describe the linked bytes exactly).

    python3 tools/bench/catalogue-library.py SEED_FOLDER OUT_FOLDER COUNT

Track ids are cat-000000 ... ; titles and artists are varied so that search has something to find:
"<seed title> <word> <n>" by "<name> <n mod 1000>". Runs again on the same folder only add what is missing.
"""
import json
import os
import sys

WORDS = ["Amber", "Blue", "Copper", "Dawn", "Echo", "Fable", "Glass", "Harbor", "Iris", "Jade",
         "Kite", "Lumen", "Meadow", "Night", "Opal", "Prism", "Quartz", "River", "Stone", "Tide"]
NAMES = ["Ada", "Bram", "Cleo", "Dov", "Esme", "Finn", "Gus", "Hana", "Ivo", "Juno",
         "Kai", "Lev", "Mira", "Nils", "Oona", "Pim", "Quin", "Rhea", "Sol", "Tove"]


def seeds(folder):
    out = []
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".manifest.json"):
            continue
        track = name[: -len(".manifest.json")]
        audio = os.path.join(folder, track + ".opus")
        if not os.path.exists(audio):
            continue
        with open(os.path.join(folder, name), encoding="utf-8") as f:
            manifest = json.load(f)
        head = {k: manifest[k] for k in ("id", "title", "artist", "duration", "byteLength", "chunkSize")}
        # Everything after the head is shared by every copy: serialized once.
        rest = json.dumps({k: v for k, v in manifest.items() if k not in head}, separators=(",", ":"))
        out.append((audio, head, rest[1:]))
    if not out:
        sys.exit(f"no tracks (id.opus + id.manifest.json) in {folder}")
    return out


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    seed_folder, out_folder, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    os.makedirs(out_folder, exist_ok=True)
    tracks = seeds(seed_folder)
    made = 0
    for i in range(count):
        audio, head, rest = tracks[i % len(tracks)]
        track = f"cat-{i:06d}"
        manifest_path = os.path.join(out_folder, track + ".manifest.json")
        if os.path.exists(manifest_path):
            continue
        audio_path = os.path.join(out_folder, track + ".opus")
        if not os.path.exists(audio_path):
            os.link(audio, audio_path)
        mine = dict(head, id=track,
                    title=f"{head['title']} {WORDS[(i // len(tracks)) % len(WORDS)]} {i}",
                    artist=f"{NAMES[i % len(NAMES)]} {i % 1000}")
        text = json.dumps(mine, separators=(",", ":"))[:-1] + "," + rest
        # Written aside and renamed, as the library tools do: a manifest on disk means a whole track.
        with open(manifest_path + ".partial", "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(manifest_path + ".partial", manifest_path)
        made += 1
    print(f"{out_folder}: {count} tracks ({made} new) from {len(tracks)} seed tracks")


if __name__ == "__main__":
    main()
