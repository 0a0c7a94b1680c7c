import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from fidelis.commandline import read_text
from fidelis.lib.scalefile import ScaleFileError, dump_scale, parse_scale
from fidelis.scales.actions import ScaleVersionExists, import_scale
from fidelis.scales.models import FidelityScale


class Command(BaseCommand):
    help = (
        "Work with fidelity scale files (see docs/scales.md). "
        "'validate FILE' checks a file and prints FILE:LINE: message for every problem; "
        "'import FILE' adds a valid file as a new scale version (nothing is imported unless "
        "the whole file is valid); 'export SLUG' writes a scale version as a file that "
        "imports back to the same scale."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        validate = sub.add_parser(
            "validate", help="Check a scale file; exit 1 and list every problem if it is invalid."
        )
        validate.add_argument("file", help="Path to a scale file (YAML)")
        importer = sub.add_parser("import", help="Import a valid scale file as a new version.")
        importer.add_argument("file", help="Path to a scale file (YAML)")
        exporter = sub.add_parser("export", help="Write a stored scale version as a file.")
        exporter.add_argument("slug", help="The scale's slug, e.g. crisis-demo")
        exporter.add_argument(
            "--version", dest="scale_version", help="Which version (default: the latest imported)"
        )
        exporter.add_argument("--out", help="Write to this file instead of standard output")

    def handle(self, *args, action, **options):
        return getattr(self, f"_{action}")(**options)

    def _parse_or_exit(self, path: str):
        text = read_text(path, encoding="utf-8")
        try:
            return parse_scale(text, filename=path)
        except ScaleFileError as error:
            for problem in error.problems:
                self.stdout.write(str(problem))
            count = len(error.problems)
            self.stderr.write(f"{path}: {count} problem{'s' if count != 1 else ''} found")
            sys.exit(1)

    def _validate(self, file, **options):
        scale = self._parse_or_exit(file)
        self.stdout.write(
            f"{file}: valid ({scale.name}, version {scale.version}, {len(scale.items)} items)"
        )

    def _import(self, file, **options):
        scale = self._parse_or_exit(file)
        try:
            stored = import_scale(scale=scale)
        except ScaleVersionExists as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Imported {stored.name}, version {stored.version} ({len(scale.items)} items)"
        )

    def _export(self, slug, scale_version=None, out=None, **options):
        scales = FidelityScale.objects.filter(slug=slug)
        if scale_version:
            scales = scales.filter(version=scale_version)
        stored = scales.order_by("-imported_at").first()
        if stored is None:
            known = ", ".join(sorted(set(FidelityScale.objects.values_list("slug", flat=True))))
            what = f"{slug} version {scale_version}" if scale_version else slug
            raise CommandError(f"no scale {what}; known scales: {known or 'none'}")
        text = dump_scale(stored.definition)
        if out:
            Path(out).write_text(text, encoding="utf-8")
            self.stderr.write(f"Wrote {stored.name}, version {stored.version} to {out}")
        else:
            self.stdout.write(text, ending="")
