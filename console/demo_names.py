"""People for the demo data: word lists, the factory that turns them into families with valid NIK/KK,
and the instrument answers of their houses.

Names are common Indonesian given names, with second names in the Bima (Mbojo), Bugis and Makassar
style used in Nusa Tenggara Barat and Sulawesi Selatan. Every person built from them is fictional.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from models.complaint import ComplaintCategory
from models.household import DtksStatus, Household
from models.identity import make_nik, make_no_kk
from models.instrument import (
    Asset,
    Condition,
    CookingFuel,
    DrinkingWater,
    FloorMaterial,
    Lighting,
    Livestock,
    PowerRating,
    ProgrammeCard,
    RoofMaterial,
    Sewage,
    Tenure,
    ToiletFacility,
    ToiletType,
    WallMaterial,
)
from models.member import Disability, Education, FamilyRelation, MaritalStatus, Member, Sex
from models.proposal import ProposalKind, ProposalStatus, RemovalReason
from models.region import Region
from models.user import Role

DEMO_PERIOD = "2026-10"  # the SK Penetapan period the demo register stands at
# Ages and KK registration dates count from this day, so every run gives the same people.
REFERENCE_DATE = date(2026, 10, 1)
REGISTERED_SHARE = 0.42  # households in the DTKS before this round's proposals


def _names(text: str) -> tuple[str, ...]:
    """A comma-separated list written as a paragraph, so the lists stay readable."""
    return tuple(name.strip() for name in text.split(",") if name.strip())


MALE_GIVEN_NAMES = _names(
    """
    Muhammad, Ahmad, Abdul, Rahmat, Hasan, Husain, Ilham, Syamsuddin, Arifin, Burhanuddin, Darwis,
    Fadli, Firdaus, Hamzah, Haris, Hendra, Ibrahim, Irfan, Ismail, Jafar, Jamaluddin, Kamaruddin,
    Lukman, Mahmud, Mansyur, Muhlis, Mustafa, Nasrullah, Nurdin, Rafli, Ridwan, Rusdin, Saiful,
    Salahuddin, Sulaiman, Syahrir, Syarifuddin, Taufik, Umar, Usman, Wahyu, Yusuf, Zainal, Zulkifli,
    Agus, Andi, Bahtiar, Budi, Dedi, Eko, Fajar, Gunawan, Hadi, Iwan, Joko, Kurniawan, Rizki, Sudirman,
    Syukur, Tamrin, Amiruddin, Nasaruddin, Alimuddin, Suardi, Akbar, Arman, Basri, Hamid
    """
)
FEMALE_GIVEN_NAMES = _names(
    """
    Siti, Nur, Dewi, Putri, Fatimah, Aisyah, Rahmawati, Hasnah, Halimah, Khadijah, Maryam, Nurhayati,
    Nurjannah, Nurlaela, Sitti, Hajrah, Rosmini, Sumarni, Suriani, Wahyuni, Wati, Yuliana, Zaenab,
    Asma, Aminah, Anisa, Ayu, Bunga, Citra, Dian, Ernawati, Fitri, Fitriani, Hartini, Herlina, Ika,
    Indah, Irma, Jumriah, Kartini, Lestari, Lina, Marlina, Maya, Mulyani, Nabila, Nining, Novi,
    Nurmala, Rahma, Ratna, Rini, Risna, Rosdiana, Salmah, Sari, Suhartini, Syamsiah, Ulfa, Wulandari,
    Yanti, Hasmiati, Nurbaya, Saodah, Jumiati, Murniati
    """
)
# Second names as written on a KTP in Bima, Dompu and South Sulawesi: often the father's name (both sexes),
# a Makassar "Daeng" name for men, or a general Indonesian second name.
PATRONYMIC_NAMES = _names(
    """
    Abdullah, Ahmad, Saleh, Hamzah, Ismail, Yusuf, Ibrahim, Jafar, Idris, Hasan, Usman, Tahir, Rasyid,
    Syamsuddin, Arsyad, Mahmud, Karim, Amin, Kadir, Halim, Hamid, Latif, Basri, Baharuddin, Rahman,
    Ramli, Syahbuddin, Sudirman, Sanusi, Haris, M. Saleh, H. Abubakar, Patongai, Mappiare, Lamatti
    """
)
MALE_SECOND_NAMES = _names(
    """
    Daeng Ngalle, Daeng Sikki, Daeng Tompo, Daeng Bollo, Daeng Kebo, Dg. Nai, Ambo Dalle, Pabbicara,
    Wijaya, Setiawan, Hidayat, Kurniawan, Pratama, Saputra, Ramadhan, Firmansyah
    """
)
FEMALE_SECOND_NAMES = _names(
    """
    Lestari, Anggraini, Sari, Susanti, Wulandari, Handayani, Puspita, Ningsih, Rahayu, Safitri, Maharani,
    Kartika, Daeng Bau, Daeng Caya
    """
)
STREET_NAMES = _names(
    """
    Soekarno-Hatta, Gajah Mada, Sultan Hasanuddin, Sultan Salahuddin, Datuk Dibanta, Imam Bonjol,
    Diponegoro, Sudirman, Ahmad Yani, Kartini, Pendidikan, Lintas Sumbawa, Anggrek, Melati, Kenanga,
    Flamboyan, Pelabuhan, Pasar Baru, Poros, Merdeka, Pahlawan, Veteran, Mawar
    """
)
HAMLET_NAMES = _names(
    """
    Lembah, Bukit Indah, Bontoa, Tamalate, Sumber Rejeki, Kampung Baru, Tanjung, Saleko, Matarombeo,
    Bontomanai, Batu Lohe, Sangiang, Karara, Mekar Sari, Tonrong, Lapadde, Kalikuma, Ntobo, Bajo,
    Mangge
    """
)
OCCUPATIONS_WORKING = (
    ("Petani", 24),
    ("Nelayan", 10),
    ("Buruh harian lepas", 18),
    ("Pedagang", 10),
    ("Wiraswasta", 9),
    ("Sopir", 4),
    ("Tukang batu", 4),
    ("Peternak", 4),
    ("Karyawan swasta", 6),
    ("Guru honorer", 3),
    ("PNS", 3),
    ("Ojek", 5),
)
OCCUPATION_HOMEMAKER = "Mengurus rumah tangga"
OCCUPATION_STUDENT = "Pelajar/Mahasiswa"
OCCUPATION_NONE = "Belum/tidak bekerja"
OCCUPATION_RETIRED = "Tidak bekerja"

DEMO_USER_NAMES = {
    Role.OPERATOR_DESA: "Nurhayati",
    Role.KEPALA_DESA: "H. Syamsuddin Abdullah",
    Role.PENDATA: "Ilham Saputra",
    Role.TKSK: "Rahmat Hidayat, S.Sos.",
    Role.OPERATOR_DINSOS: "Fitriani, S.Kom.",
    Role.KABID: "Drs. Burhanuddin Hamzah",
    Role.KEPALA_DINAS: "Dr. H. Syarifuddin Ismail, M.Si.",
    Role.PETUGAS_LAYANAN: "Dewi Rahmawati",
    Role.PENYULUH: "Muhammad Fadli, S.Sos.",
    Role.SEKRETARIS: "Hj. Siti Aminah, S.E.",
    Role.OPERATOR_PROVINSI: "Lukman Hakim, S.T.",
    Role.PUSDATIN: "Putri Anggraini, S.Si.",
    Role.ADMIN: "Administrator Sistem",
}

PROPOSAL_REASONS = {
    ProposalKind.NEW: (
        "Kepala keluarga buruh harian lepas dengan penghasilan tidak tetap, rumah berlantai tanah.",
        "Janda dengan tiga anak usia sekolah, belum pernah menerima bantuan sosial.",
        "Kepala keluarga lansia dan sakit menahun, tidak lagi bekerja.",
        "Keluarga nelayan kecil tanpa perahu sendiri, tinggal di rumah menumpang.",
        "Keluarga baru pindah dari desa tetangga dan belum terdata dalam DTKS.",
    ),
    ProposalKind.UPDATE: (
        "Perbaikan alamat dan RT/RW setelah pemekaran lingkungan.",
        "Perbaikan data: alamat pada DTKS berbeda dengan Kartu Keluarga terbaru.",
        "Pemutakhiran alamat sesuai KK yang diterbitkan Disdukcapil.",
    ),
    ProposalKind.REMOVE: (
        "Usulan dikeluarkan berdasarkan hasil musyawarah.",
        "Keluarga tidak lagi memenuhi kriteria menurut pengamatan aparat desa.",
    ),
    ProposalKind.KEEP: (
        "Kondisi keluarga tidak berubah, tetap layak dalam DTKS.",
        "Hasil pemutakhiran: data sesuai, tidak ada perbaikan.",
    ),
}
REMOVAL_NOTES = {
    RemovalReason.DIED: "Kepala keluarga meninggal dunia, anggota lain bergabung ke KK anak.",
    RemovalReason.MOVED: "Seluruh anggota keluarga pindah keluar kabupaten/kota.",
    RemovalReason.NOT_ELIGIBLE: "Keluarga sudah memiliki usaha dan rumah permanen, tidak lagi layak.",
    RemovalReason.DUPLICATE: "Keluarga tercatat dua kali dengan No. KK lama dan baru.",
}
HISTORY_NOTES = {  # the note of each step whose text does not depend on the case
    ProposalStatus.DRAFT: "Usulan dicatat oleh operator desa/kelurahan.",
    ProposalStatus.IN_MUSDES: "Dimasukkan ke agenda musyawarah.",
    ProposalStatus.VISITED: "Kunjungan verval selesai; instrumen terisi.",
    ProposalStatus.VERIFIED: "Hasil verval dikonfirmasi TKSK: layak.",
    ProposalStatus.SUBMITTED: "Dikirim ke Dinas Sosial bersama BA dan BNBA.",
    ProposalStatus.ACCEPTED: "Data lengkap dan sesuai; diterima.",
    ProposalStatus.IN_DECREE: "Dimasukkan ke draf SK pengesahan.",
    ProposalStatus.RECEIVED: "NIK padan dengan data kependudukan.",
    ProposalStatus.NOT_DETERMINED: "Hasil PMT di atas batas desil penetapan.",
}
RETURN_REASONS = (
    "NIK kepala keluarga tidak padan dengan data Dukcapil; mohon periksa kembali KTP dan KK.",
    "Foto rumah tampak depan dan dalam belum dilampirkan.",
    "SKTM sudah kedaluwarsa; lampirkan SKTM yang masih berlaku.",
    "Nama ibu kandung anggota keluarga masih kosong.",
    "Tanggal lahir di BNBA berbeda dengan Kartu Keluarga.",
)
MUSDES_REJECTION_NOTES = (
    "Peserta musyawarah menilai keluarga mampu: memiliki kios dan sepeda motor.",
    "Keluarga sudah terdaftar dengan No. KK lain.",
    "Kepala keluarga bekerja tetap sebagai karyawan dengan penghasilan cukup.",
)
NOT_ELIGIBLE_NOTES = (
    "Hasil verval: rumah permanen dan kepemilikan aset di atas kriteria.",
    "Hasil verval: keluarga memiliki lahan dan ternak sapi lebih dari lima ekor.",
)
MINISTRY_REJECTION_NOTES = (
    "NIK tidak padan dengan data kependudukan (Dukcapil).",
    "NIK tercatat pada keluarga lain di kabupaten/kota berbeda.",
)
CERTIFICATE_PURPOSES = (
    "Persyaratan pendaftaran KIP Kuliah",
    "Persyaratan pengajuan BPJS Kesehatan PBI",
    "Keringanan biaya rumah sakit",
    "Persyaratan beasiswa daerah",
    "Persyaratan bantuan bedah rumah",
)
COMPLAINT_TEXTS = {
    ComplaintCategory.WRONGLY_EXCLUDED: (
        "Keluarga kami tidak mampu tetapi tidak terdaftar dan tidak pernah menerima bantuan."
    ),
    ComplaintCategory.WRONGLY_INCLUDED: "Tetangga kami memiliki mobil dan toko tetapi masih menerima BPNT.",
    ComplaintCategory.WRONG_DATA: "Nama dan tanggal lahir di data DTKS berbeda dengan KTP.",
    ComplaintCategory.SERVICE: "Pengurusan surat keterangan DTKS di kantor dinas memakan waktu terlalu lama.",
}
COMPLAINT_RESPONSES = (
    "Sudah diusulkan melalui musyawarah kelurahan/desa periode berikutnya.",
    "Sudah diverifikasi ulang oleh TKSK; data diperbaiki.",
    "Pengadu tidak dapat dihubungi dan data yang disampaikan tidak lengkap.",
)

# Blok III answers (models/instrument.py codes): poorer and better-off choices; a code listed twice is likelier.
HOUSING_CHOICES: dict[str, tuple[Any, str, str]] = {
    "tenure": (Tenure, "milik_sendiri milik_sendiri bebas_sewa kontrak_sewa", "milik_sendiri kontrak_sewa"),
    "floor_material": (FloorMaterial, "tanah bambu kayu_rendah semen_bata", "keramik ubin_tegel semen_bata"),
    "wall_material": (WallMaterial, "anyaman_bambu kayu plesteran_bambu bambu", "tembok"),
    "wall_condition": (Condition, "jelek jelek bagus", "bagus"),
    "roof_material": (RoofMaterial, "seng seng jerami_ijuk asbes", "genteng_tanah_liat genteng_metal seng"),
    "roof_condition": (Condition, "jelek bagus", "bagus"),
    "drinking_water": (
        DrinkingWater,
        "sumur_tak_terlindung sumur_terlindung leding_eceran mata_air_tak_terlindung isi_ulang",
        "isi_ulang kemasan leding_meteran",
    ),
    "lighting": (Lighting, "listrik_pln listrik_pln listrik_pln listrik_non_pln bukan_listrik", "listrik_pln"),
    "power_rating": (PowerRating, "450 900 tanpa_meteran", "1300 2200"),
    "cooking_fuel": (CookingFuel, "kayu_bakar kayu_bakar gas_3kg minyak_tanah", "gas_3kg gas_besar listrik"),
    "toilet_facility": (ToiletFacility, "bersama umum tidak_ada sendiri", "sendiri"),
    "toilet_type": (ToiletType, "cemplung plengsengan leher_angsa", "leher_angsa"),
    "sewage": (Sewage, "lubang_tanah lubang_tanah tangki", "tangki"),
}
ASSET_ODDS = {  # Blok V: chance of owning each asset, (poorer, better-off)
    Asset.TELEVISION: (0.6, 0.95), Asset.BICYCLE: (0.2, 0.3), Asset.MOTORCYCLE: (0.3, 0.9),
    Asset.FRIDGE: (0.05, 0.8), Asset.GAS_CYLINDER: (0.02, 0.4), Asset.GOLD: (0.05, 0.5),
    Asset.COMPUTER: (0.01, 0.35), Asset.CAR: (0.0, 0.3), Asset.AIR_CONDITIONER: (0.0, 0.25), Asset.LAND: (0.03, 0.35),
}  # fmt: skip
CARD_ODDS = {
    ProgrammeCard.KIS: (0.7, 0.1), ProgrammeCard.PKH: (0.35, 0.0), ProgrammeCard.RASTRA: (0.5, 0.05),
    ProgrammeCard.KIP: (0.3, 0.02), ProgrammeCard.KKS: (0.3, 0.0), ProgrammeCard.BPJS_INDEPENDENT: (0.05, 0.6),
    ProgrammeCard.JAMSOSTEK: (0.02, 0.4),
}  # fmt: skip
SCHOOL_BY_AGE = (
    (7, Education.NONE),
    (13, Education.PRIMARY_INCOMPLETE),
    (16, Education.PRIMARY),
    (19, Education.JUNIOR),
)
HOUSEHOLD_SIZE_WEIGHTS = (8, 15, 20, 22, 17, 10, 8)  # 1..7 members
DESIL_WEIGHTS = (18, 17, 16, 14, 9, 7, 6, 5, 4, 4)  # desil 1..10: the register leans to the poorest
FamilyPlan = list[tuple[FamilyRelation, bool, int]]  # (relation to the head, is female, age)


def is_desa(village_code: str) -> bool:
    """1xxx is a kelurahan, 2xxx a desa, 3xxx a desa adat (domain-notes section 3.1)."""
    return not village_code.rsplit(".", 1)[-1].startswith("1")


class PeopleFactory:
    """Families whose names, ages and occupations fit together, with nationwide-unique NIK and No. KK."""

    def __init__(self, rng: random.Random, birth_places: list[str], numbers_in_use: set[str]) -> None:
        self.rng, self.birth_places, self.used = rng, birth_places, numbers_in_use
        self.serials: defaultdict[tuple[str, date, bool], int] = defaultdict(int)

    def _next_number(self, key: tuple[str, date, bool], compose: Callable[[int], str]) -> str:
        while True:  # one counter per (kecamatan, date, sex) keeps this run unique; `used` holds stored numbers
            self.serials[key] += 1
            number = compose(self.serials[key])
            if number not in self.used:
                self.used.add(number)
                return number

    def nik(self, kecamatan: str, birth: date, female: bool) -> str:
        return self._next_number(
            (kecamatan, birth, female), lambda n: make_nik(kecamatan, birth, is_female=female, serial=n)
        )

    def no_kk(self, kecamatan: str, registered_on: date) -> str:
        return self._next_number(
            ("KK " + kecamatan, registered_on, False), lambda n: make_no_kk(kecamatan, registered_on, serial=n)
        )

    def name(self, female: bool, father: str | None = None) -> str:
        given = self.rng.choice(FEMALE_GIVEN_NAMES if female else MALE_GIVEN_NAMES)
        roll = self.rng.random()
        if father and roll < 0.3:
            return f"{given} {father.split()[0]}"  # a child named after the father, as often in Bima
        if roll < 0.55:
            return f"{given} {self.rng.choice(PATRONYMIC_NAMES)}"
        if roll < 0.8:
            return f"{given} {self.rng.choice(FEMALE_SECOND_NAMES if female else MALE_SECOND_NAMES)}"
        return given

    def full_name(self, female: bool) -> str:
        """A name with a second part, for officials and signers."""
        given = self.rng.choice(FEMALE_GIVEN_NAMES if female else MALE_GIVEN_NAMES)
        return f"{given} {self.rng.choice(PATRONYMIC_NAMES)}"

    def address(self, village_code: str) -> str:
        if is_desa(village_code):
            return f"Dusun {self.rng.choice(HAMLET_NAMES)}"
        if self.rng.random() < 0.7:
            return f"Jl. {self.rng.choice(STREET_NAMES)} No. {self.rng.randint(1, 120)}"
        return f"Lingkungan {self.rng.choice(HAMLET_NAMES)}"

    def family_plan(self, size: int) -> FamilyPlan:
        """A head, usually a spouse, then children (mothers aged 19-42 at birth), grandchildren or a parent."""
        rng = self.rng
        head_female = rng.random() < (0.35 if size == 1 else 0.12)
        head_age = rng.randint(24, 78)
        plan = [(FamilyRelation.HEAD, head_female, head_age)]
        if not head_female and size > 1 and rng.random() < 0.92:
            plan.append((FamilyRelation.SPOUSE, True, max(19, head_age - rng.randint(0, 8))))
        youngest_parent = min(age for _, _, age in plan)
        while len(plan) < size:
            roll = rng.random()
            if head_age >= 50 and roll < 0.3:
                plan.append((FamilyRelation.GRANDCHILD, rng.random() < 0.5, rng.randint(0, min(12, head_age - 42))))
            elif head_age <= 45 and roll < 0.1:
                plan.append((FamilyRelation.PARENT, rng.random() < 0.75, min(95, head_age + rng.randint(20, 30))))
            else:
                child_age = rng.randint(max(0, youngest_parent - 42), youngest_parent - 19)
                plan.append((FamilyRelation.CHILD, rng.random() < 0.5, child_age))
        return plan

    def occupation(self, relation: FamilyRelation, female: bool, age: int) -> str:
        if age < 6:
            return OCCUPATION_NONE
        if age < 19 or (age < 23 and self.rng.random() < 0.4):
            return OCCUPATION_STUDENT
        if age >= 70:
            return OCCUPATION_RETIRED
        if female and relation != FamilyRelation.HEAD and self.rng.random() < 0.6:
            return OCCUPATION_HOMEMAKER
        jobs, weights = zip(*OCCUPATIONS_WORKING, strict=True)
        return self.rng.choices(jobs, weights=weights)[0]

    def education(self, age: int, occupation: str) -> Education:
        if age < 19:
            return next(level for limit, level in SCHOOL_BY_AGE if age < limit)
        if occupation in ("PNS", "Guru honorer"):
            return Education.BACHELOR
        levels = list(Education)[1:]  # primary-incomplete .. postgraduate
        weights = (25, 35, 15, 15, 4, 5, 1) if age > 55 else (4, 18, 25, 38, 6, 8, 1)
        return self.rng.choices(levels, weights=weights)[0]

    def marital_status(self, relation: FamilyRelation, age: int, has_spouse: bool) -> MaritalStatus:
        if relation in (FamilyRelation.HEAD, FamilyRelation.SPOUSE):
            if has_spouse:
                return MaritalStatus.MARRIED
            return MaritalStatus.WIDOWED if age > 50 or self.rng.random() < 0.5 else MaritalStatus.DIVORCED
        if relation == FamilyRelation.PARENT:
            return MaritalStatus.WIDOWED
        return MaritalStatus.MARRIED if age >= 25 and self.rng.random() < 0.25 else MaritalStatus.SINGLE

    def members(self, plan: FamilyPlan, kecamatan: str, village_code: str) -> list[Member]:
        """The members of one KK, head first; NIKs carry the household's kecamatan, birth date and sex."""
        head_female = plan[0][1]
        has_spouse = any(relation == FamilyRelation.SPOUSE for relation, _, _ in plan)
        names = {FamilyRelation.HEAD: self.name(head_female)}
        names[FamilyRelation.SPOUSE] = self.name(True) if has_spouse else ""
        mother_of_children = names[FamilyRelation.SPOUSE] or (names[FamilyRelation.HEAD] if head_female else "")
        members = []
        for relation, female, age in plan:
            birth = self.birth_date(age)
            occupation = self.occupation(relation, female, age)
            father = None if head_female else names[FamilyRelation.HEAD]
            members.append(
                Member(
                    region_code=village_code,
                    nik=self.nik(kecamatan, birth, female),
                    name=names.get(relation) or self.name(female, father=father),
                    sex=Sex.FEMALE if female else Sex.MALE,
                    birth_place=self.rng.choice(self.birth_places),
                    birth_date=birth,
                    family_relation=relation,
                    mother_name=(relation == FamilyRelation.CHILD and mother_of_children) or self.name(True),
                    marital_status=self.marital_status(relation, age, has_spouse),
                    occupation=occupation,
                    education=self.education(age, occupation),
                    disability=self.disability(),
                )
            )
        return members

    def birth_date(self, age: int) -> date:
        return REFERENCE_DATE - timedelta(days=age * 365 + self.rng.randint(0, 364))

    def disability(self) -> Disability:
        return Disability.NONE if self.rng.random() < 0.97 else self.rng.choice(list(Disability)[1:])

    def household(self, village: Region) -> Household:
        """One KK in `village`: members, address, and its DTKS standing before this round."""
        rng = self.rng
        kecamatan = village.parent_code or ""
        members = self.members(
            self.family_plan(rng.choices(range(1, 8), HOUSEHOLD_SIZE_WEIGHTS)[0]), kecamatan, village.code
        )
        earliest = max(members[0].birth_date + timedelta(days=18 * 365), date(2005, 1, 1))
        registered_on = earliest + timedelta(days=rng.randint(0, max(0, (REFERENCE_DATE - earliest).days)))
        registered = rng.random() < REGISTERED_SHARE
        return Household(
            no_kk=self.no_kk(kecamatan, registered_on),
            region_code=village.code,
            address=self.address(village.code),
            rt=f"{rng.randint(1, 12):03d}",
            rw=f"{rng.randint(1, 6):03d}",
            dtks_status=DtksStatus.REGISTERED if registered else DtksStatus.NOT_REGISTERED,
            desil=rng.choices(range(1, 11), DESIL_WEIGHTS)[0] if registered else None,
            period=DEMO_PERIOD if registered else None,
            members=members,
        )


def instrument_answers(rng: random.Random, poor: bool, occupation: str) -> dict[str, Any]:
    """Blok III and V answers of a poorer or a better-off household."""
    column = 0 if poor else 1
    answers = {name: kind(rng.choice(choices[column].split())) for name, (kind, *choices) in HOUSING_CHOICES.items()}
    if answers["lighting"] != Lighting.PLN:
        answers["power_rating"] = None
    if answers["toilet_facility"] == ToiletFacility.NONE:
        answers["toilet_type"], answers["sewage"] = ToiletType.NONE, rng.choice((Sewage.OPEN_FIELD, Sewage.WATER_BODY))
    answers["floor_area_m2"] = rng.randint(18, 45) if poor else rng.randint(45, 140)
    answers["room_count"] = rng.randint(1, 3) if poor else rng.randint(3, 6)
    assets = [asset.value for asset, odds in ASSET_ODDS.items() if rng.random() < odds[column]]
    if occupation == "Nelayan":
        assets.append(rng.choice((Asset.BOAT, Asset.OUTBOARD) if poor else (Asset.MOTORBOAT, Asset.SHIP)).value)
    livestock: dict[str, int] = {}
    if occupation in ("Petani", "Peternak") or rng.random() < 0.2:
        livestock[Livestock.GOAT.value] = rng.randint(1, 4)
        if not poor or rng.random() < 0.15:
            livestock[Livestock.CATTLE.value] = rng.randint(1, 3 if poor else 8)
    cards = [card.value for card, odds in CARD_ODDS.items() if rng.random() < odds[column]]
    return answers | {"assets": assets, "livestock": livestock, "programme_cards": cards}
