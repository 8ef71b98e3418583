"""A small English ⇄ Spanish glossary of everyday words that are not cognates ("account" /
"cuenta"), for cross-language queries; cognates ("probability" / "probabilidad") are mined from
the notes by index/cognates.py instead.

The notes mix both languages ("5 Elastic IP en toda la cuenta"), so a question in one language
should also reach passages written in the other. Matching is by stem, so plurals and verb forms
of an entry count too.
"""

from __future__ import annotations

from functools import lru_cache

from index.analysis import fold, stems

# (English, Spanish); several rows may share a word.
PAIRS: tuple[tuple[str, str], ...] = (
    ("account", "cuenta"),
    ("access", "acceso"),
    ("alarm", "alarma"),
    ("application", "aplicacion"),
    ("automatic", "automatico"),
    ("availability", "disponibilidad"),
    ("available", "disponible"),
    ("backup", "respaldo"),
    ("backup", "copia"),
    ("capacity", "capacidad"),
    ("certificate", "certificado"),
    ("cheap", "barato"),
    ("client", "cliente"),
    ("code", "codigo"),
    ("communication", "comunicacion"),
    ("configuration", "configuracion"),
    ("connection", "conexion"),
    ("connection", "coneccion"),
    ("consumer", "consumidor"),
    ("content", "contenido"),
    ("copy", "copiar"),
    ("cost", "costo"),
    ("create", "crear"),
    ("data", "datos"),
    ("data", "dato"),
    ("database", "base"),
    ("day", "dia"),
    ("default", "defecto"),
    ("delete", "borrar"),
    ("deliver", "entregar"),
    ("difference", "diferencia"),
    ("encrypt", "encriptar"),
    ("encryption", "encripcion"),
    ("encryption", "cifrado"),
    ("enable", "habilitar"),
    ("event", "evento"),
    ("expiration", "expiracion"),
    ("failure", "falla"),
    ("fast", "rapido"),
    ("file", "archivo"),
    ("free", "gratis"),
    ("high", "alta"),
    ("hour", "hora"),
    ("instance", "instancia"),
    ("key", "clave"),
    ("latency", "latencia"),
    ("limit", "limite"),
    ("load", "carga"),
    ("low", "baja"),
    ("machine", "maquina"),
    ("maximum", "maximo"),
    ("max", "maximo"),
    ("message", "mensaje"),
    ("metric", "metrica"),
    ("minimum", "minimo"),
    ("min", "minimo"),
    ("minute", "minuto"),
    ("month", "mes"),
    ("network", "red"),
    ("new", "nuevo"),
    ("number", "numero"),
    ("object", "objeto"),
    ("option", "opcion"),
    ("order", "orden"),
    ("partition", "particion"),
    ("permission", "permiso"),
    ("price", "precio"),
    ("private", "privado"),
    ("public", "publico"),
    ("read", "lectura"),
    ("read", "leer"),
    ("recovery", "recuperacion"),
    ("region", "region"),
    ("replica", "replica"),
    ("replication", "replicacion"),
    ("resource", "recurso"),
    ("retrieval", "traer"),
    ("rule", "regla"),
    ("security", "seguridad"),
    ("second", "segundo"),
    ("send", "enviar"),
    ("server", "servidor"),
    ("service", "servicio"),
    ("size", "tamano"),
    ("snapshot", "snapshot"),
    ("storage", "almacenamiento"),
    ("subnet", "subred"),
    ("subscription", "suscripcion"),
    ("time", "tiempo"),
    ("traffic", "trafico"),
    ("type", "tipo"),
    ("user", "usuario"),
    ("version", "version"),
    ("volume", "volumen"),
    ("write", "escribir"),
    ("write", "escritura"),
    ("year", "ano"),
    ("zone", "zona"),
)


@lru_cache(maxsize=1)
def _by_stem() -> dict[str, frozenset[str]]:
    table: dict[str, set[str]] = {}
    for english, spanish in PAIRS:
        english, spanish = fold(english), fold(spanish)
        if english == spanish:
            continue
        for stem in stems(english):
            table.setdefault(stem, set()).add(spanish)
        for stem in stems(spanish):
            table.setdefault(stem, set()).add(english)
    return {stem: frozenset(words) for stem, words in table.items()}


def translations(word: str) -> frozenset[str]:
    """Words of the other language for a folded word ("cuentas" → {"account"}); may be empty."""
    found: set[str] = set()
    table = _by_stem()
    for stem in stems(word):
        found.update(table.get(stem, ()))
    found.discard(word)
    return frozenset(found)
