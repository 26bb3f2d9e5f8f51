"""What the demo officials write: proposal reasons, history notes, certificate purposes, complaints."""

from __future__ import annotations

from models.complaint import ComplaintCategory
from models.proposal import ProposalKind, ProposalStatus, RemovalReason

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
