"""Names for the demo people and officials: given and second names, streets and hamlets, occupations.

Names are common Indonesian given names, with second names in the Bima (Mbojo), Bugis and Makassar
style used in Nusa Tenggara Barat and Sulawesi Selatan. Every person built from them is fictional.
"""

from __future__ import annotations

from models.user import Role


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
    Role.PENDAMPING_PKH: "Sri Wahyuni, S.Sos.",
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
