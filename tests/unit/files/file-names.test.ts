import { describe, expect, it } from 'vitest';
import {
  MAX_SAFE_NAME_BYTES,
  MAX_SAFE_NAME_LENGTH,
  safeFileName,
} from '../../../extension/lib/files/file-names';

const safe = (name: string, type = 'application/octet-stream') => safeFileName(name, type);

describe('safeFileName', () => {
  it('keeps an ordinary name as it is', () => {
    for (const name of ['holiday photo.jpg', 'report (final).pdf', 'archive.tar.gz', 'Ünïcödé 写真.png', 'a'])
      expect(safe(name)).toBe(name);
  });

  it('leaves no path parts', () => {
    expect(safe('../../etc/passwd')).toBe('_.._etc_passwd');
    expect(safe('..\\..\\Windows\\System32\\evil.txt')).toBe('_.._Windows_System32_evil.txt');
    expect(safe('/absolute')).toBe('_absolute');
    expect(safe('..')).toBe('file');
  });

  it('removes bidi overrides and invisible characters, so the name shows what it is', () => {
    expect(safe('a\u202Etxt.exe')).toBe('atxt.exe.download');
    expect(safe('photo\u202Egpj.exe')).toBe('photogpj.exe.download');
    expect(safe('in\u200Bvis\u200D\u2060i\uFEFFble\u2066\u2069.txt')).toBe('invisible.txt');
    expect(safe('\u3164\u115F.pdf')).toBe('pdf'); // Hangul fillers show as blanks
  });

  it('replaces control characters and those Windows or Chrome refuse', () => {
    expect(safe('a\u0000b\nc\td\u007F.txt')).toBe('a_b_c_d_.txt');
    expect(safe('a<b>c:d"e|f?g*h~i.txt')).toBe('a_b_c_d_e_f_g_h_i.txt');
    expect(safe('notes.txt:hidden.exe')).toBe('notes.txt_hidden.exe.download');
    expect(safe('line\u2028break.txt')).toBe('line_break.txt');
    expect(safe('a%20b.txt')).toBe('a_20b.txt');
  });

  it('prefixes a Windows device name, with or without an extension', () => {
    for (const name of ['CON', 'con', 'PRN', 'AUX', 'NUL', 'COM1', 'com9', 'LPT1', 'LPT9', 'COM¹', 'CLOCK$'])
      expect(safe(name)).toBe(`_${name}`);
    expect(safe('CON.txt')).toBe('_CON.txt');
    expect(safe('nul.tar.gz')).toBe('_nul.tar.gz');
    expect(safe('CON .txt')).toBe('_CON .txt');
    expect(safe('CONSOLE.txt')).toBe('CONSOLE.txt');
    expect(safe('COM10')).toBe('COM10');
  });

  it('trims dots and white space at either end', () => {
    expect(safe('  .hidden')).toBe('hidden');
    expect(safe('name.txt. . ')).toBe('name.txt');
    expect(safe(' \u00A0file\u00A0name.txt')).toBe('file name.txt');
    expect(safe('...')).toBe('file');
    expect(safe('   ')).toBe('file');
    expect(safe('')).toBe('file');
  });

  it('neutralises extensions a system runs or a browser renders with script', () => {
    for (const extension of [
      'exe',
      'EXE',
      'bat',
      'cmd',
      'com',
      'scr',
      'msi',
      'js',
      'vbs',
      'ps1',
      'jar',
      'lnk',
    ])
      expect(safe(`x.${extension}`)).toBe(`x.${extension}.download`);
    for (const extension of [
      'sh',
      'app',
      'dmg',
      'html',
      'htm',
      'svg',
      'xhtml',
      'hta',
      'reg',
      'url',
      'desktop',
    ])
      expect(safe(`x.${extension}`)).toBe(`x.${extension}.download`);
    expect(safe('x.html')).toBe('x.html.download');
    expect(safe('x.{3050f4d8-98b5-11cf-bb82-00aa00bdce0b}')).toMatch(/\.download$/);
    expect(safe('x.exe.txt')).toBe('x.exe.txt');
  });

  it('adds a harmless extension from the type when the name has none, never a dangerous one', () => {
    expect(safe('photo', 'image/png')).toBe('photo.png');
    expect(safe('', 'image/jpeg')).toBe('file.jpg');
    expect(safe('page', 'text/html')).toBe('page');
    expect(safe('photo.gif', 'image/png')).toBe('photo.gif');
  });

  it('cuts a long name to 200 characters, keeping its extension', () => {
    const long = safe(`${'a'.repeat(500)}.pdf`);
    expect(long).toHaveLength(MAX_SAFE_NAME_LENGTH);
    expect(long.endsWith('a.pdf')).toBe(true);
    expect(safe(`${'b'.repeat(500)}.exe`)).toMatch(/^b+\.exe\.download$/);
    expect(safe(`${'b'.repeat(500)}.exe`)).toHaveLength(MAX_SAFE_NAME_LENGTH);
    expect(safe('c'.repeat(500))).toHaveLength(MAX_SAFE_NAME_LENGTH);
  });

  it('cuts by UTF-8 bytes too, never inside a character', () => {
    const name = safe(`${'写'.repeat(150)}😀😀.txt`);
    expect(new TextEncoder().encode(name).length).toBeLessThanOrEqual(MAX_SAFE_NAME_BYTES);
    expect(name.endsWith('.txt')).toBe(true);
    expect(name).not.toMatch(/\p{Cs}/u); // no half of a surrogate pair
    const emoji = safe('😀'.repeat(150));
    expect(emoji).toBe('😀'.repeat(60));
  });

  it('is stable: a safe name stays as it is', () => {
    for (const hostile of [
      '../../etc/passwd',
      'a\u202Etxt.exe',
      'CON',
      '  .hidden',
      'x.html',
      'z'.repeat(500),
    ])
      expect(safe(safe(hostile))).toBe(safe(hostile));
  });
});
