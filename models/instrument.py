"""The verval household instrument (PBDT/DTKS form, Blok III and V): coded answers with Indonesian labels.

Codes follow reference/domain-notes.md section 2.4; values are stored as these short words.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from models.base import LabelledEnum


class Tenure(LabelledEnum):
    """Status penguasaan bangunan."""

    OWNED = "milik_sendiri", "Milik sendiri"
    RENTED = "kontrak_sewa", "Kontrak/sewa"
    RENT_FREE = "bebas_sewa", "Bebas sewa"
    OFFICIAL = "dinas", "Dinas"
    OTHER = "lainnya", "Lainnya"


class FloorMaterial(LabelledEnum):
    """Jenis lantai terluas."""

    MARBLE = "marmer_granit", "Marmer/granit"
    CERAMIC = "keramik", "Keramik"
    PARQUET = "parket_vinil", "Parket/vinil/permadani"
    TILE = "ubin_tegel", "Ubin/tegel/teraso"
    HIGH_WOOD = "kayu_tinggi", "Kayu/papan kualitas tinggi"
    CEMENT = "semen_bata", "Semen/bata merah"
    BAMBOO = "bambu", "Bambu"
    LOW_WOOD = "kayu_rendah", "Kayu/papan kualitas rendah"
    EARTH = "tanah", "Tanah"
    OTHER = "lainnya", "Lainnya"


class WallMaterial(LabelledEnum):
    """Jenis dinding terluas."""

    MASONRY = "tembok", "Tembok"
    PLASTERED_BAMBOO = "plesteran_bambu", "Plesteran anyaman bambu/kawat"
    WOOD = "kayu", "Kayu"
    WOVEN_BAMBOO = "anyaman_bambu", "Anyaman bambu"
    LOG = "batang_kayu", "Batang kayu"
    BAMBOO = "bambu", "Bambu"
    OTHER = "lainnya", "Lainnya"


class Condition(LabelledEnum):
    """Kondisi dinding/atap."""

    GOOD = "bagus", "Bagus/kualitas tinggi"
    POOR = "jelek", "Jelek/kualitas rendah"


class RoofMaterial(LabelledEnum):
    """Jenis atap terluas."""

    CONCRETE = "beton", "Beton/genteng beton"
    CERAMIC_TILE = "genteng_keramik", "Genteng keramik"
    METAL_TILE = "genteng_metal", "Genteng metal"
    CLAY_TILE = "genteng_tanah_liat", "Genteng tanah liat"
    ASBESTOS = "asbes", "Asbes"
    ZINC = "seng", "Seng"
    SHINGLE = "sirap", "Sirap"
    BAMBOO = "bambu", "Bambu"
    THATCH = "jerami_ijuk", "Jerami/ijuk/daun/rumbia"
    OTHER = "lainnya", "Lainnya"


class DrinkingWater(LabelledEnum):
    """Sumber air minum."""

    BOTTLED = "kemasan", "Air kemasan bermerk"
    REFILL = "isi_ulang", "Air isi ulang"
    PIPED_METER = "leding_meteran", "Leding meteran"
    PIPED_RETAIL = "leding_eceran", "Leding eceran"
    BOREHOLE = "sumur_bor", "Sumur bor/pompa"
    PROTECTED_WELL = "sumur_terlindung", "Sumur terlindung"
    UNPROTECTED_WELL = "sumur_tak_terlindung", "Sumur tak terlindung"
    PROTECTED_SPRING = "mata_air_terlindung", "Mata air terlindung"
    UNPROTECTED_SPRING = "mata_air_tak_terlindung", "Mata air tak terlindung"
    SURFACE = "sungai_danau", "Air sungai/danau/waduk"
    RAIN = "air_hujan", "Air hujan"
    OTHER = "lainnya", "Lainnya"


class Lighting(LabelledEnum):
    """Sumber penerangan utama."""

    PLN = "listrik_pln", "Listrik PLN"
    NON_PLN = "listrik_non_pln", "Listrik non-PLN"
    NONE = "bukan_listrik", "Bukan listrik"


class PowerRating(LabelledEnum):
    """Daya terpasang."""

    W450 = "450", "450 watt"
    W900 = "900", "900 watt"
    W1300 = "1300", "1.300 watt"
    W2200 = "2200", "2.200 watt"
    ABOVE_2200 = "di_atas_2200", "Lebih dari 2.200 watt"
    NO_METER = "tanpa_meteran", "Tanpa meteran"


class CookingFuel(LabelledEnum):
    """Bahan bakar utama untuk memasak."""

    ELECTRICITY = "listrik", "Listrik"
    GAS_LARGE = "gas_besar", "Gas lebih dari 3 kg"
    GAS_3KG = "gas_3kg", "Gas 3 kg"
    CITY_GAS = "gas_kota_biogas", "Gas kota/biogas"
    KEROSENE = "minyak_tanah", "Minyak tanah"
    BRIQUETTE = "briket", "Briket"
    CHARCOAL = "arang", "Arang"
    FIREWOOD = "kayu_bakar", "Kayu bakar"
    NO_COOKING = "tidak_memasak", "Tidak memasak di rumah"


class ToiletFacility(LabelledEnum):
    """Fasilitas tempat buang air besar."""

    OWN = "sendiri", "Sendiri"
    SHARED = "bersama", "Bersama"
    PUBLIC = "umum", "Umum"
    NONE = "tidak_ada", "Tidak ada"


class ToiletType(LabelledEnum):
    """Jenis kloset."""

    GOOSENECK = "leher_angsa", "Leher angsa"
    PLENGSENGAN = "plengsengan", "Plengsengan"
    PIT = "cemplung", "Cemplung/cubluk"
    NONE = "tidak_pakai", "Tidak pakai"


class Sewage(LabelledEnum):
    """Tempat pembuangan akhir tinja."""

    SEPTIC_TANK = "tangki", "Tangki septik"
    SPAL = "spal", "SPAL"
    PIT = "lubang_tanah", "Lubang tanah"
    WATER_BODY = "kolam_sungai", "Kolam/sawah/sungai/danau/laut"
    OPEN_FIELD = "tanah_lapang", "Pantai/tanah lapang/kebun"
    OTHER = "lainnya", "Lainnya"


class Asset(LabelledEnum):
    """Kepemilikan aset bergerak (Blok V)."""

    GAS_CYLINDER = "tabung_gas", "Tabung gas 5,5 kg atau lebih"
    FRIDGE = "lemari_es", "Lemari es/kulkas"
    AIR_CONDITIONER = "ac", "AC"
    WATER_HEATER = "pemanas_air", "Pemanas air"
    LANDLINE = "telepon_rumah", "Telepon rumah"
    TELEVISION = "tv", "Televisi"
    GOLD = "emas", "Emas/perhiasan/tabungan"
    COMPUTER = "laptop", "Komputer/laptop"
    BICYCLE = "sepeda", "Sepeda"
    MOTORCYCLE = "sepeda_motor", "Sepeda motor"
    CAR = "mobil", "Mobil"
    BOAT = "perahu", "Perahu"
    OUTBOARD = "motor_tempel", "Motor tempel"
    MOTORBOAT = "perahu_motor", "Perahu motor"
    SHIP = "kapal", "Kapal"
    LAND = "lahan", "Lahan/tanah di tempat lain"
    OTHER_HOUSE = "rumah_lain", "Rumah di tempat lain"


class Livestock(LabelledEnum):
    """Jumlah ternak."""

    CATTLE = "sapi", "Sapi"
    BUFFALO = "kerbau", "Kerbau"
    HORSE = "kuda", "Kuda"
    PIG = "babi", "Babi"
    GOAT = "kambing_domba", "Kambing/domba"


class ProgrammeCard(LabelledEnum):
    """Kepesertaan program."""

    KKS = "kks", "KKS/KPS"
    KIP = "kip", "KIP/BSM"
    KIS = "kis", "KIS/BPJS PBI"
    BPJS_INDEPENDENT = "bpjs_mandiri", "BPJS Kesehatan mandiri"
    JAMSOSTEK = "jamsostek", "BPJS Ketenagakerjaan"
    INSURANCE = "asuransi", "Asuransi lain"
    PKH = "pkh", "PKH"
    RASTRA = "rastra", "Rastra/BPNT"
    KUR = "kur", "KUR"


# Blok V answers kept in JSON columns of the visit: lists of Asset / ProgrammeCard values and a
# {Livestock value: count} map. Nothing but these codes may be stored, so PMT weights keyed by code apply.
LIVESTOCK_MAXIMUM = 9999
LIVESTOCK_MAXIMUM_TEXT = "9.999"  # as Indonesian offices write it


def coded_values(enum_class: type[LabelledEnum], values: Iterable[str]) -> list[str]:
    """`values` as stored (in the enum's order, no repeats); an unknown code is refused."""
    wanted = {str(value) for value in values}
    unknown = sorted(wanted - {member.value for member in enum_class})
    if unknown:
        raise ValueError(f"Kode tidak dikenal untuk {_topic(enum_class)}: {', '.join(unknown)}.")
    return [member.value for member in enum_class if member.value in wanted]


def livestock_counts(counts: Mapping[str, int | None]) -> dict[str, int]:
    """The stored livestock map: known kinds only, 0..LIVESTOCK_MAXIMUM, zero and empty left out."""
    coded_values(Livestock, counts)
    for kind, count in counts.items():
        if count is not None and not 0 <= count <= LIVESTOCK_MAXIMUM:
            raise ValueError(f"Jumlah {Livestock(kind).label.lower()} harus 0 sampai {LIVESTOCK_MAXIMUM_TEXT}.")
    return {member.value: count for member in Livestock if (count := counts.get(member.value))}


def labels_of(enum_class: type[LabelledEnum], values: Iterable[str]) -> list[str]:
    """Indonesian labels of stored codes, for pages; a code no longer in the enum shows as itself."""
    return [_label(enum_class, value) for value in values]


def livestock_labels(counts: Mapping[str, int]) -> list[str]:
    return [f"{_label(Livestock, kind)}: {count}" for kind, count in counts.items()]


def _label(enum_class: type[LabelledEnum], value: str) -> str:
    try:
        return enum_class(value).label
    except ValueError:
        return str(value)


def _topic(enum_class: type[LabelledEnum]) -> str:
    return (enum_class.__doc__ or enum_class.__name__).split(" (")[0].rstrip(".").lower()
